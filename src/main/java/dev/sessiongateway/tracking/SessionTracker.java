package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records every state change of a session in its own short transaction. Provider calls
 * happen between these transactions, never inside one: the intent is committed before the
 * call and the outcome after it.
 */
@Service
public class SessionTracker {

	private static final Logger log = LoggerFactory.getLogger(SessionTracker.class);

	private final SessionRepository sessions;

	private final SessionTransitionRepository transitions;

	private final TransactionTemplate tx;

	private final Clock clock;

	private final TrackingProperties properties;

	private final MeterRegistry meters;

	SessionTracker(SessionRepository sessions, SessionTransitionRepository transitions,
			PlatformTransactionManager transactionManager, Clock clock, TrackingProperties properties,
			MeterRegistry meters) {
		this.sessions = sessions;
		this.transitions = transitions;
		this.tx = new TransactionTemplate(transactionManager);
		this.clock = clock;
		this.properties = properties;
		this.meters = meters;
	}

	/**
	 * Records the intent to open a session, before the provider is called.
	 * @throws SessionAlreadyActiveException if a live session with that id exists
	 */
	public long beginOpen(String provider, String scope, @Nullable String sessionId, String client) {
		try {
			return required(this.tx.execute((status) -> {
				Session session = this.sessions
					.saveAndFlush(Session.opening(provider, scope, sessionId, client, now()));
				this.transitions.save(session.opened());
				return session.getId();
			}));
		}
		catch (DataIntegrityViolationException ex) {
			if (sessionId != null) {
				throw new SessionAlreadyActiveException(new SessionKey(provider, scope, sessionId));
			}
			throw ex;
		}
	}

	/** The provider confirmed the create: the session is ACTIVE. */
	public void confirmOpen(long id, @Nullable String sessionId, @Nullable String pathwayId,
			@Nullable Instant expiresAt) {
		try {
			change(id, (session) -> session.confirmOpen(sessionId, pathwayId, expiresAt, now()));
		}
		catch (DataIntegrityViolationException ex) {
			if (sessionId == null) {
				throw ex;
			}
			// The provider handed out an id the gateway still holds as live: that older
			// session
			// is over at the provider, and the new one must be tracked.
			Session session = this.sessions.findById(id).orElseThrow(() -> ex);
			markEnded(new SessionKey(session.getProvider(), session.getScope(), sessionId), EndReason.PROVIDER_ENDED);
			change(id, (fresh) -> fresh.confirmOpen(sessionId, pathwayId, expiresAt, now()));
		}
	}

	/** The create certainly did not open a session at the provider. */
	public void failOpen(long id, String error) {
		change(id, (session) -> session.failOpen(error, now()));
		this.meters.counter("gateway.sessions.open.failed").increment();
	}

	/**
	 * The create's outcome is unknown but the session id is: an end is queued so that no
	 * session is left open at the provider.
	 */
	public void compensate(long id, String error) {
		change(id, (session) -> {
			SessionTransition transition = session.requestEnd(EndReason.COMPENSATION, "gateway", now());
			session.noteError(error);
			return transition;
		});
		this.meters.counter("gateway.sessions.open.uncertain", "action", "compensate").increment();
	}

	/** The create's outcome is unknown and so is the session id: nothing can be ended. */
	public void failUncertainOpen(long id, String error) {
		change(id, (session) -> session.failOpen("outcome unknown: " + error, now()));
		this.meters.counter("gateway.sessions.open.uncertain", "action", "failed").increment();
	}

	/**
	 * Ends a session: records ENDING, calls the provider (a few times while the caller
	 * waits), and records the outcome. An end the provider does not confirm stays ENDING
	 * for background work. A session the gateway does not track is ended at the provider
	 * all the same.
	 */
	public <R> EndResult<R> end(SessionKey key, String actor, EndReason reason, Supplier<EndAttempt<R>> call) {
		Optional<EndStart> start = startEnd(key, actor, reason);
		if (start.isEmpty()) {
			this.meters.counter("gateway.sessions.untracked.ends", "provider", key.provider()).increment();
			log.info("ending untracked {} session", key.provider());
			EndAttempt<R> attempt = call.get();
			if (attempt.outcome() == EndAttempt.Outcome.FAILED && attempt.failure() != null) {
				throw attempt.failure();
			}
			return new EndResult.Answered<>(required(attempt.reply()));
		}
		long id = start.get().id();
		for (int tries = 1;; tries++) {
			EndAttempt<R> attempt = call.get();
			switch (attempt.outcome()) {
				case CONFIRMED -> {
					changeIf(id, SessionStatus.ENDING, (session) -> session.confirmEnd(now()));
					return new EndResult.Answered<>(required(attempt.reply()));
				}
				case REFUSED -> {
					String error = "provider refused the end";
					if (start.get().wasActive()) {
						changeIf(id, SessionStatus.ENDING, (session) -> session.endRefused(error, now()));
					}
					else {
						recordFailedAttempt(id, error);
					}
					return new EndResult.Answered<>(required(attempt.reply()));
				}
				case FAILED -> {
					recordFailedAttempt(id, attempt.error());
					if (tries >= this.properties.inlineEndAttempts()) {
						return new EndResult.Pending<>(id, key.sessionId(), attempt.error());
					}
					pause();
				}
			}
		}
	}

	/** Ends a session through its provider's port (ops force-ends, background work). */
	public EndResult<?> end(ProviderSessions<?> provider, SessionKey key, String actor, EndReason reason) {
		return endThrough(provider, key, actor, reason);
	}

	private <R> EndResult<R> endThrough(ProviderSessions<R> provider, SessionKey key, String actor, EndReason reason) {
		return end(key, actor, reason, () -> provider.end(key.scope(), key.sessionId()));
	}

	/**
	 * The session is over at the provider; returns false when no live session matched.
	 */
	public boolean markEnded(SessionKey key, EndReason reason) {
		return required(this.tx.execute((status) -> this.sessions.findLive(key)
			.filter((session) -> session.getStatus() != SessionStatus.OPENING)
			.map((session) -> {
				this.transitions.save(session.endedByProvider(reason, now()));
				return true;
			})
			.orElse(false)));
	}

	/** Whether a session with this key was ever recorded, live or not. */
	public boolean everTracked(SessionKey key) {
		return this.sessions.existsByProviderAndScopeAndSessionId(key.provider(), key.scope(), key.sessionId());
	}

	/** The provider reports the session alive, with this expiry. */
	public void refreshExpiry(SessionKey key, @Nullable Instant expiresAt) {
		this.tx.executeWithoutResult((status) -> this.sessions.findLive(key)
			.ifPresent((session) -> session.refreshExpiry(expiresAt, now())));
	}

	private Optional<EndStart> startEnd(SessionKey key, String actor, EndReason reason) {
		try {
			return required(this.tx.execute((status) -> this.sessions.findLive(key)
				.filter((session) -> session.getStatus() != SessionStatus.OPENING)
				.map((session) -> {
					boolean active = session.getStatus() == SessionStatus.ACTIVE;
					if (active) {
						this.transitions.save(session.requestEnd(reason, actor, now()));
					}
					return new EndStart(session.getId(), active);
				})));
		}
		catch (ObjectOptimisticLockingFailureException ex) {
			// Another request changed the session at the same moment: look again.
			return startEnd(key, actor, reason);
		}
	}

	private void recordFailedAttempt(long id, String error) {
		Instant now = now();
		Instant next = now.plus(this.properties.retryBackoff());
		this.tx.executeWithoutResult((status) -> this.sessions.findById(id)
			.filter((session) -> session.getStatus() == SessionStatus.ENDING)
			.ifPresent((session) -> session.endAttemptFailed(error, next, now)));
	}

	private void change(long id, Function<Session, SessionTransition> transition) {
		this.tx.executeWithoutResult((status) -> {
			Session session = this.sessions.findById(id)
				.orElseThrow(() -> new IllegalStateException("no session " + id));
			this.transitions.save(transition.apply(session));
			this.sessions.flush();
		});
	}

	private void changeIf(long id, SessionStatus expected, Function<Session, SessionTransition> transition) {
		this.tx.executeWithoutResult((status) -> this.sessions.findById(id)
			.filter((session) -> session.getStatus() == expected)
			.ifPresent((session) -> this.transitions.save(transition.apply(session))));
	}

	private void pause() {
		try {
			Thread.sleep(this.properties.inlineEndBackoff());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static <T> T required(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("unexpected null");
		}
		return value;
	}

	private record EndStart(long id, boolean wasActive) {
	}

}
