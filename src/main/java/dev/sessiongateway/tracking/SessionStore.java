package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The session table's writes, each in its own short transaction. A change to a row is a
 * compare-and-set on its id and version: the row is read, the change decides from what it
 * finds, and the write only lands if nobody changed the row in between; otherwise the
 * change runs again on a fresh read. Database failures surface as
 * {@link TrackingUnavailableException}.
 */
@Component
class SessionStore {

	/** How often a change is tried again after losing a race before giving up. */
	private static final int MAX_RACES = 8;

	private final SessionRepository sessions;

	private final SessionTransitionRepository transitions;

	private final TransactionTemplate tx;

	SessionStore(SessionRepository sessions, SessionTransitionRepository transitions,
			PlatformTransactionManager transactionManager) {
		this.sessions = sessions;
		this.transitions = transitions;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/** A change to one row: reads it, may move it, and writes its history entries. */
	@FunctionalInterface
	interface Change<T> {

		T apply(Session session, Consumer<SessionTransition> history);

	}

	/**
	 * Inserts an OPENING row.
	 * @throws SessionAlreadyActiveException if a live row holds the same key
	 */
	long insertOpening(String provider, String scope, @Nullable String sessionId, String client, Instant now) {
		SessionKey key = (sessionId != null) ? new SessionKey(provider, scope, sessionId) : null;
		return insert(key, () -> Session.opening(provider, scope, sessionId, client, now));
	}

	/**
	 * Inserts the row of an end of a session the ledger holds no live row for (ENDING,
	 * reason UNTRACKED).
	 * @throws SessionAlreadyActiveException if a live row holds the key meanwhile
	 */
	long insertUntrackedEnd(SessionKey key, String actor, Instant now) {
		return insert(key, () -> Session.untrackedEnd(key.provider(), key.scope(), key.sessionId(), actor, now));
	}

	private long insert(@Nullable SessionKey key, Supplier<Session> row) {
		for (int race = 1;; race++) {
			try {
				return required(this.tx.execute((status) -> {
					Session session = this.sessions.saveAndFlush(row.get());
					this.transitions.save(session.recorded());
					return session.getId();
				}));
			}
			catch (DataIntegrityViolationException ex) {
				if (key != null && findLive(key).isPresent()) {
					throw new SessionAlreadyActiveException(key);
				}
				// Either the live row that held the key ended meanwhile (try again), or
				// the row broke another constraint (which trying again will not fix).
				if (key == null || race >= MAX_RACES) {
					throw new TrackingUnavailableException("the new session row could not be recorded", ex);
				}
			}
			catch (ConcurrencyFailureException ex) {
				if (race >= MAX_RACES) {
					throw new TrackingUnavailableException("the new session row could not be recorded", ex);
				}
			}
			catch (DataAccessException | TransactionException ex) {
				throw new TrackingUnavailableException("the new session row could not be recorded", ex);
			}
		}
	}

	/**
	 * Runs a change on one row as a compare-and-set, again on a fresh read each time
	 * another party wins the race.
	 * @throws DataIntegrityViolationException when the change breaks a constraint (the
	 * caller decides what that means)
	 */
	<T> T change(long id, Change<T> change) {
		for (int race = 1;; race++) {
			try {
				return required(this.tx.execute((status) -> {
					Session session = this.sessions.findById(id)
						.orElseThrow(() -> new IllegalStateException("no session " + id));
					List<SessionTransition> written = new ArrayList<>();
					T result = change.apply(session, written::add);
					// The row first: its update takes the row's lock (or finds the
					// version
					// changed) before the history rows reference it, so two changes of
					// one
					// row queue on that lock instead of deadlocking.
					this.sessions.flush();
					this.transitions.saveAll(written);
					this.sessions.flush();
					return result;
				}));
			}
			catch (ConcurrencyFailureException ex) {
				if (race >= MAX_RACES) {
					throw new TrackingUnavailableException("session " + id + " kept changing under this change", ex);
				}
			}
			catch (DataIntegrityViolationException ex) {
				throw ex;
			}
			catch (DataAccessException | TransactionException ex) {
				throw new TrackingUnavailableException("session " + id + " could not be updated", ex);
			}
		}
	}

	/** The live row with this key, if there is one. */
	Optional<Session> findLive(SessionKey key) {
		return read(() -> this.sessions.findByLiveKey(key.liveKey()));
	}

	Optional<Session> find(long id) {
		return read(() -> this.sessions.findById(id));
	}

	/** Whether a row with this key was ever recorded, live or not. */
	boolean everTracked(SessionKey key) {
		return read(
				() -> this.sessions.existsByProviderAndScopeAndSessionId(key.provider(), key.scope(), key.sessionId()));
	}

	private <T> T read(Supplier<T> query) {
		try {
			return query.get();
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException("sessions could not be read", ex);
		}
	}

	private static <T> T required(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("unexpected null");
		}
		return value;
	}

}
