package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Runs every session's lifecycle for every provider: the open flow (intent, call,
 * outcome), the end flow, and what the provider tells about a session. Each state change
 * is its own short transaction and a compare-and-set on the row it names; no transaction
 * is open while a provider is called. Losing a race is a normal outcome: the loser reads
 * the row again and answers from what it finds.
 */
@Service
public class SessionTracker {

	private static final Logger log = LoggerFactory.getLogger(SessionTracker.class);

	private final SessionStore store;

	private final SessionEnds ends;

	private final Clock clock;

	private final SessionMeters meters;

	private final ConfiguredProviders providers;

	private final TrackingProperties properties;

	private final Leases leases;

	private final IdempotencyRows keys;

	private final LedgerSpans spans;

	SessionTracker(SessionStore store, SessionEnds ends, Clock clock, SessionMeters meters,
			ConfiguredProviders providers, TrackingProperties properties, Leases leases, IdempotencyRows keys,
			ObjectProvider<ObservationRegistry> observations) {
		this.leases = leases;
		this.keys = keys;
		this.spans = new LedgerSpans(observations);
		this.store = store;
		this.ends = ends;
		this.clock = clock;
		this.meters = meters;
		this.providers = providers;
		this.properties = properties;
	}

	/** The names of the providers the gateway knows. */
	public java.util.Set<String> providers() {
		return this.providers.byName().keySet();
	}

	/**
	 * Opens a session: records the intent, calls the provider, records the outcome, and
	 * only then answers. A confirmed create is answered only once it is recorded ACTIVE;
	 * anything that leaves the outcome unknown leaves the row for background work to end.
	 * @return the provider's reply (a confirmation or a refusal about the request)
	 * @throws SessionAlreadyActiveException if a live session holds that id
	 * @throws TrackingUnavailableException if the ledger could not record the session
	 * @throws RuntimeException the provider's failure, as the port reported it
	 */
	public <R> R open(ProviderSessions<R> provider, OpenIntent intent, String client) {
		return open(provider, intent, client, OpenTerms.NONE).reply();
	}

	/**
	 * Opens a session as {@link #open(ProviderSessions, OpenIntent, String)} does, bound
	 * by the terms: attached to the client's lease, or to a lease granted for it, within
	 * the client's caps at the provider, and under the idempotency key the caller sent.
	 * The key is recorded with the intent; a create that certainly had no effect (the
	 * provider refused it, or never got it) lets it go again, anything after which the
	 * provider may have acted keeps it for its answer ({@link IdempotencyKeys#answer}).
	 * @return the provider's reply, and the lease the session is attached to
	 * @throws IdempotencyKeyUsedException if an earlier request of the client holds the
	 * key (nothing is recorded, the provider is not called)
	 * @throws LeaseNotFoundException if the lease named is not the client's live lease
	 * @throws SessionLimitReachedException over one of the client's caps (the provider is
	 * not called)
	 */
	public <R> Opened<R> open(ProviderSessions<R> provider, OpenIntent intent, String client, OpenTerms terms) {
		IdempotencyClaim claim = terms.idempotency();
		IdempotencyRows.Claim key = (claim != null) ? new IdempotencyRows.Claim(client, claim,
				IdempotencyRows.fingerprint(provider.provider(), intent.scope(), intent.body()),
				this.properties.openingTimeout()) : null;
		Session opening;
		try {
			opening = this.spans.commit(LedgerSpans.OPEN_INTENT, provider.provider(),
					() -> this.store.insertOpening(provider.provider(), intent.scope(), intent.sessionId(), client,
							now(), provider.longestCall(), terms, key));
		}
		catch (IdempotencyKeyUsedException ex) {
			this.meters.keyHeld(provider.provider(), ex.use());
			throw ex;
		}
		catch (SessionAlreadyActiveException ex) {
			this.meters.opened(provider.provider(), SessionMeters.Open.DUPLICATE);
			throw ex;
		}
		catch (SessionLimitReachedException ex) {
			this.meters.opened(provider.provider(), SessionMeters.Open.LIMITED);
			throw ex;
		}
		return new Opened<>(open(provider, intent, opening, claim), opening.getLeaseId());
	}

	private <R> R open(ProviderSessions<R> provider, OpenIntent intent, Session opening,
			@Nullable IdempotencyClaim claim) {
		long id = opening.getId();
		ProviderOutcome<R> outcome = call(() -> provider.open(intent.openedBy(opening.getClient())));
		switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> {
				confirmOpen(provider, opening, confirmed.facts(), claim);
				this.meters.opened(provider.provider(), SessionMeters.Open.CONFIRMED);
				return confirmed.reply();
			}
			case ProviderOutcome.Refused<R> refused -> {
				this.meters.opened(provider.provider(), SessionMeters.Open.REFUSED);
				this.spans.commit(LedgerSpans.OPEN_OUTCOME, provider.provider(),
						() -> failOpen(opening, provider.provider() + " refused the create", claim));
				return refused.reply();
			}
			case ProviderOutcome.Failed<R> failed -> {
				this.meters.opened(provider.provider(), SessionMeters.Open.FAILED);
				this.spans.commit(LedgerSpans.OPEN_OUTCOME, provider.provider(),
						() -> failOpen(opening, ProviderOutcome.describe(failed.failure()), claim));
				throw failed.failure();
			}
			case ProviderOutcome.Uncertain<R> uncertain -> {
				this.meters.opened(provider.provider(), SessionMeters.Open.UNCERTAIN);
				this.spans.commit(LedgerSpans.OPEN_OUTCOME, provider.provider(),
						() -> settleUncertainOpen(provider.provider(), id, uncertain.sessionId(),
								ProviderOutcome.describe(uncertain.failure()),
								opening.getCreatedAt().plus(this.properties.verifyAfter())));
				throw uncertain.failure();
			}
		}
	}

	/**
	 * Records a confirmed create. One the gateway cannot record is ended at the provider,
	 * and its idempotency key let go: no caller was told of it, and a retry under the key
	 * opens anew (answering the retry with this failure would ask it to try again
	 * forever).
	 */
	private <R> void confirmOpen(ProviderSessions<R> provider, Session opening, SessionFacts facts,
			@Nullable IdempotencyClaim claim) {
		long id = opening.getId();
		boolean endAtOnce;
		try {
			endAtOnce = this.spans.commit(LedgerSpans.OPEN_OUTCOME, provider.provider(),
					() -> confirm(opening, facts, provider.longestCall()));
		}
		catch (RuntimeException ex) {
			log.error("{} confirmed session row {} but the gateway could not record it; ending it at the provider",
					provider.provider(), id, ex);
			this.meters.opened(provider.provider(), SessionMeters.Open.UNCERTAIN);
			// the create landed (the provider confirmed it): an end sent after it settles
			// it
			settleUncertainOpen(provider.provider(), id, facts.sessionId(),
					"the confirmed create could not be recorded", null);
			if (claim != null) {
				releaseKey(opening.getClient(), claim);
			}
			throw (ex instanceof TrackingUnavailableException unavailable) ? unavailable
					: new TrackingUnavailableException("the confirmed create could not be recorded", ex);
		}
		if (endAtOnce) {
			this.ends.attemptHeld(provider, id);
		}
	}

	/**
	 * Records the confirmation; a provider that hands out an id the ledger still holds as
	 * live has ended that older session, which is recorded so the new one is tracked. An
	 * end asked for while the session was opening is held from background work for the
	 * in-line attempt that follows ({@code inFlight}: how long its call may take).
	 * @return whether an end was asked for while the session was opening
	 */
	private boolean confirm(Session opening, SessionFacts facts, Duration inFlight) {
		long id = opening.getId();
		Instant now = now();
		SessionStore.Change<Boolean> confirmation = (session, history) -> {
			session.confirmOpen(facts, now).forEach(history);
			if (session.getStatus() != SessionStatus.ENDING) {
				return false;
			}
			session.holdForInlineAttempt(now.plus(inFlight));
			return true;
		};
		try {
			return this.store.change(opening, confirmation);
		}
		catch (org.springframework.dao.DataIntegrityViolationException ex) {
			Session row = this.store.find(id).orElseThrow(() -> ex);
			String sessionId = facts.sessionId();
			Optional<Session> older = (sessionId != null)
					? this.store.findLive(new SessionKey(row.getProvider(), row.getScope(), sessionId))
					: Optional.empty();
			if (older.isEmpty() || older.get().getId() == id) {
				throw ex;
			}
			log.info("{} handed out session id of row {} again; recording that older session as ended",
					row.getProvider(), older.get().getId());
			this.ends.endedByProvider(older.get().getId(), EndReason.PROVIDER_ENDED);
			return this.store.change(id, confirmation);
		}
	}

	/**
	 * Records an open that certainly had no effect at the provider, and lets its
	 * idempotency key go in the same transaction: a retry under the key tries anew.
	 */
	private void failOpen(Session opening, String error, @Nullable IdempotencyClaim claim) {
		long id = opening.getId();
		try {
			this.store.change(id, (session, history) -> {
				history.accept(session.failOpen(error, now()));
				if (claim != null) {
					this.keys.release(session.getClient(), claim);
				}
				return true;
			});
		}
		catch (RuntimeException ex) {
			log.error("could not record the failed open of session row {}; recovery will settle it", id, ex);
		}
	}

	private void releaseKey(String client, IdempotencyClaim claim) {
		try {
			this.store.commit("the idempotency key could not be let go", () -> {
				this.keys.release(client, claim);
				return true;
			});
		}
		catch (RuntimeException ex) {
			log.warn("could not let go of the idempotency key of a create the gateway could not record: {}",
					ex.getMessage());
		}
	}

	/**
	 * The provider may have created the session: with a known id it is ended
	 * (COMPENSATION), and verified once the create can no longer land ({@code settlesAt},
	 * null when it has landed); without one nothing can be ended, so it is recorded
	 * FAILED and counted.
	 */
	private void settleUncertainOpen(String provider, long id, @Nullable String sessionId, String error,
			@Nullable Instant settlesAt) {
		try {
			boolean compensated = this.store.change(id, (session, history) -> {
				if (session.getStatus() != SessionStatus.OPENING) {
					return session.getStatus() == SessionStatus.ENDING;
				}
				if (session.getSessionId() == null && sessionId == null) {
					history.accept(session.failOpen("outcome unknown: " + error, now()));
					return false;
				}
				history.accept(session.compensate(sessionId, error, settlesAt, now()));
				return true;
			});
			this.meters.openUncertain(provider, compensated);
		}
		catch (RuntimeException ex) {
			log.error("could not record the uncertain open of session row {}; recovery will settle it", id, ex);
		}
	}

	/**
	 * Ends a session a caller names: records the end, makes one attempt at the provider,
	 * and records the outcome. What the provider does not confirm stays ENDING for
	 * background work. A session the ledger does not hold live is ended at the provider
	 * all the same.
	 */
	public <R> EndResult<R> end(ProviderSessions<R> provider, SessionKey key, String actor, EndReason reason) {
		return this.ends.end(provider, key, actor, reason);
	}

	/**
	 * Ends a session as {@link #end(ProviderSessions, SessionKey, String, EndReason)}
	 * does, for a caller that may be limited to its own sessions.
	 * @throws SessionNotVisibleException when the session is another client's and the
	 * caller may only end its own (nothing is sent)
	 */
	public <R> EndResult<R> end(ProviderSessions<R> provider, SessionKey key, Caller caller, EndReason reason) {
		requireVisible(key, caller);
		return this.ends.end(provider, key, caller.name(), reason);
	}

	/**
	 * Refuses a caller limited to its own sessions a session it did not open through the
	 * gateway: the latest row under the key, live or not, must be its own, so an id the
	 * ledger never held is refused too (it may be another system's session on a shared
	 * project).
	 */
	private void requireVisible(SessionKey key, Caller caller) {
		if (caller.ownOnly()
				&& this.store.latest(key).filter((row) -> row.getClient().equals(caller.name())).isEmpty()) {
			throw new SessionNotVisibleException();
		}
	}

	/**
	 * Force-ends exactly this row through its provider (ops).
	 * @return empty when the row is not live (it is left as it is)
	 */
	public Optional<EndResult<?>> endRow(long id, String actor, EndReason reason) {
		Session row = this.store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
		return this.ends.endRow(provider(row), id, actor, reason);
	}

	/**
	 * The provider says a session ended at {@code happenedAt} (a webhook): the row that
	 * was live then is recorded ENDED; a row opened later is left alone. A row still
	 * OPENING gets the end recorded, carried out once its open resolves.
	 * @return false when the gateway never tracked that session
	 */
	public boolean endedAtProvider(SessionKey key, Instant happenedAt, EndReason reason) {
		this.store.findLive(key)
			.filter((row) -> !row.getCreatedAt().isAfter(happenedAt))
			.ifPresent((row) -> this.ends.endedByProvider(row.getId(), reason, key.provider() + " webhook"));
		return this.store.everTracked(key);
	}

	/**
	 * Asks the provider about a session and records what it says about the row that was
	 * live when the question was sent: that it is over, or until when it lives.
	 */
	public <R> R status(ProviderSessions<R> provider, SessionKey key) {
		return observe(key, () -> provider.status(key.scope(), key.sessionId()));
	}

	/**
	 * Reads a session as {@link #status(ProviderSessions, SessionKey)} does, for a caller
	 * that may be limited to its own sessions. A read by the client that opened the
	 * session keeps alive the lease the gateway granted for it, if it has one.
	 * @throws SessionNotVisibleException when the session is another client's and the
	 * caller may only read its own (nothing is sent)
	 */
	public <R> R status(ProviderSessions<R> provider, SessionKey key, Caller caller) {
		requireVisible(key, caller);
		this.store.findLive(key)
			.filter((row) -> row.getClient().equals(caller.name()))
			.map(Session::getLeaseId)
			.ifPresent((lease) -> this.leases.keepAliveOwn(lease, now()));
		return status(provider, key);
	}

	/**
	 * Makes a provider call about one session as {@link #observe(SessionKey, Supplier)}
	 * does, for a caller that may be limited to its own sessions.
	 */
	public <R> R observe(SessionKey key, Caller caller, Supplier<ProviderOutcome<R>> request) {
		requireVisible(key, caller);
		return observe(key, request);
	}

	/**
	 * Makes a provider call about one session (a read, a terminate) and records what its
	 * confirmed answer says, on the row that was live before the call went out (none when
	 * {@code key} is null).
	 * @throws RuntimeException the provider's failure
	 */
	public <R> R observe(@Nullable SessionKey key, Supplier<ProviderOutcome<R>> request) {
		Optional<Long> row = (key != null) ? this.store.findLive(key)
			.filter((session) -> session.getStatus() != SessionStatus.OPENING)
			.map(Session::getId) : Optional.empty();
		ProviderOutcome<R> outcome = call(request);
		return switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> {
				row.ifPresent((id) -> this.ends.learn(id, confirmed.facts()));
				yield confirmed.reply();
			}
			case ProviderOutcome.Refused<R> refused -> refused.reply();
			case ProviderOutcome.Failed<R> failed -> throw failed.failure();
			case ProviderOutcome.Uncertain<R> uncertain -> throw uncertain.failure();
		};
	}

	private ProviderSessions<?> provider(Session row) {
		ProviderSessions<?> provider = this.providers.find(row.getProvider());
		if (provider == null) {
			throw new IllegalStateException("no provider named " + row.getProvider() + " is configured");
		}
		return provider;
	}

	/** A port must not throw; if one does, the provider may have acted. */
	static <R> ProviderOutcome<R> call(Supplier<ProviderOutcome<R>> request) {
		try {
			return request.get();
		}
		catch (RuntimeException ex) {
			log.warn("a provider call failed unexpectedly", ex);
			return new ProviderOutcome.Uncertain<>(ex, null);
		}
	}

	private Instant now() {
		return this.clock.instant();
	}

}
