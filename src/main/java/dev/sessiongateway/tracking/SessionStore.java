package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;
import org.springframework.transaction.TransactionException;

/**
 * The session table's writes, each a short transaction of its own (a request's changes
 * share their commit with others waiting at the same moment, see {@link Ledger#commit}).
 * A change to a row is a compare-and-set on its id and version: the row is read, the
 * change decides from what it finds, and the write only lands if nobody changed the row
 * in between; otherwise the change runs again on a fresh read. Database failures surface
 * as {@link TrackingUnavailableException}.
 */
@Component
class SessionStore {

	/**
	 * ENDING rows due for an attempt, oldest due first (index on status, next attempt).
	 */
	static final String DUE_ENDS = """
			select id from tracked_session where status = 'ENDING' and next_attempt_at <= ?
			order by next_attempt_at fetch first ? rows only for update skip locked""";

	/** Rows of one finished status that ended before a time (index on status, end). */
	static final String PAST_RETENTION = """
			select id from tracked_session where status = ? and ended_at < ?
			order by ended_at fetch first ? rows only for update skip locked""";

	/**
	 * ENDED rows due to be checked once more with their provider, their create having
	 * been uncertain (index on status, next attempt).
	 */
	static final String DUE_RECHECKS = """
			select id from tracked_session where status = 'ENDED' and next_attempt_at <= ?
			order by next_attempt_at fetch first ? rows only for update skip locked""";

	/** ACTIVE rows checked longest ago (index on status, last check). */
	static final String UNCHECKED = """
			select id from tracked_session where status = 'ACTIVE' and last_checked_at < ?
			order by last_checked_at fetch first ? rows only for update skip locked""";

	/** How often a change is tried again after losing a race before giving up. */
	private static final int MAX_RACES = 8;

	private final SessionRows rows;

	private final Ledger ledger;

	private final JdbcTemplate jdbc;

	private final LeaseRows leases;

	private final SessionUsage usage;

	private final SessionActivity activity;

	private final CallerEvents events;

	private final IdempotencyRows keys;

	SessionStore(SessionRows rows, Ledger ledger, LeaseRows leases, SessionUsage usage, SessionActivity activity,
			CallerEvents events, IdempotencyRows keys) {
		this.rows = rows;
		this.ledger = ledger;
		this.jdbc = ledger.jdbc();
		this.leases = leases;
		this.usage = usage;
		this.activity = activity;
		this.events = events;
		this.keys = keys;
	}

	/** A change to one row: reads it, may move it, and writes its history entries. */
	@FunctionalInterface
	interface Change<T> {

		T apply(Session session, Consumer<SessionTransition> history);

	}

	/** Inserts an OPENING row as the method below does, under no idempotency key. */
	Session insertOpening(String provider, String scope, @Nullable String sessionId, String client, Instant now,
			Duration longestCall, OpenTerms terms) {
		return insertOpening(provider, scope, sessionId, client, now, longestCall, terms, null);
	}

	/**
	 * Inserts an OPENING row, in one transaction with what the open is bound by: the
	 * idempotency key it claims (its client's own, which one request of all that send it
	 * at once, on any replica, records), the client's lease (locked, so that it cannot
	 * end before the session is recorded), or a lease of its own granted for it, and the
	 * client's caps at the provider, counted. A finished row that holds the id for a
	 * repeated end the gateway stopped during (longer ago than {@code longestCall}) lets
	 * it go.
	 * @param idempotency the key the open claims, or null
	 * @return the row as inserted
	 * @throws IdempotencyKeyUsedException if an earlier request holds the key (checked
	 * first)
	 * @throws SessionAlreadyActiveException if a live row holds the same key
	 * @throws LeaseNotFoundException if the lease named is not the client's live lease
	 * @throws SessionLimitReachedException over one of the client's caps
	 */
	Session insertOpening(String provider, String scope, @Nullable String sessionId, String client, Instant now,
			Duration longestCall, OpenTerms terms, IdempotencyRows.@Nullable Claim idempotency) {
		try {
			return insertOpeningOnce(provider, scope, sessionId, client, now, longestCall, terms, idempotency);
		}
		catch (SessionUsage.RowMissingException ex) {
			return insertOpeningOnce(provider, scope, sessionId, client, now, longestCall, terms, idempotency);
		}
	}

	private Session insertOpeningOnce(String provider, String scope, @Nullable String sessionId, String client,
			Instant now, Duration longestCall, OpenTerms terms, IdempotencyRows.@Nullable Claim idempotency) {
		SessionKey key = (sessionId != null) ? new SessionKey(provider, scope, sessionId) : null;
		this.usage.prepare(client, provider, now);
		Runnable explain = (idempotency != null) ? () -> this.keys.explain(idempotency, now) : null;
		return insert(key, longestCall, now, explain, () -> {
			if (idempotency != null) {
				this.keys.makeWay(idempotency, now);
			}
			String lease = terms.lease();
			if (lease != null) {
				this.leases.lockLive(lease, client, now).orElseThrow(LeaseNotFoundException::new);
			}
			else if (terms.ownLeaseTtl() != null) {
				lease = this.leases.grant(client, terms.ownLeaseTtl(), true, now).id();
			}
			this.usage.admit(client, provider, now);
			return Session.opening(provider, scope, sessionId, client, lease, now);
		}, (session) -> {
			if (idempotency != null) {
				this.keys.insert(idempotency, session.getId(), now);
			}
		});
	}

	/**
	 * Inserts the row of an end of a session the ledger holds no live row for (ENDING,
	 * reason UNTRACKED), held from background work until {@code heldUntil} while its
	 * in-line end call is in flight.
	 * @throws SessionAlreadyActiveException if a live row holds the key meanwhile
	 */
	long insertUntrackedEnd(SessionKey key, String actor, Instant now, Instant heldUntil) {
		return insert(key, null, now, null, () -> {
			Session session = Session.untrackedEnd(key.provider(), key.scope(), key.sessionId(), actor, now);
			session.holdForInlineAttempt(heldUntil);
			this.usage.moved(actor, key.provider(), 1);
			return session;
		}, (session) -> {
		}).getId();
	}

	/**
	 * Inserts a row made by {@code row}, then runs {@code inserted} on it, in one
	 * transaction. A constraint the insert breaks is explained first by {@code explain}
	 * (which throws when it can), then by the live row that holds the key.
	 */
	private Session insert(@Nullable SessionKey key, @Nullable Duration longestCall, Instant now,
			@Nullable Runnable explain, Supplier<Session> row, Consumer<Session> inserted) {
		for (int race = 1;; race++) {
			try {
				return required(this.ledger.commit(() -> {
					Session session = row.get();
					this.rows.insert(session);
					this.rows.insertHistory(List.of(session.recorded()));
					inserted.accept(session);
					return session;
				}));
			}
			catch (DataIntegrityViolationException ex) {
				if (explain != null) {
					explainConflict(explain, ex);
				}
				Optional<Session> live = (key != null) ? findLive(key) : Optional.empty();
				if (live.isPresent() && !(longestCall != null && releaseStaleHold(live.get(), longestCall, now))) {
					Instant settlesAt = live.get().getSettlesAt();
					throw (live.get().getStatus() == SessionStatus.ENDING && settlesAt != null
							&& settlesAt.isAfter(now))
									? new SessionAlreadyActiveException(key, Duration.between(now, settlesAt))
									: new SessionAlreadyActiveException(key);
				}
				// Either the live row or the idempotency key that held the insert off
				// went meanwhile (try again), or the row broke another constraint
				// (which trying again will not fix).
				if ((key == null && explain == null) || race >= MAX_RACES) {
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

	/** Runs {@code explain} on what is committed now, as a read of the ledger. */
	private void explainConflict(Runnable explain, DataIntegrityViolationException conflict) {
		try {
			explain.run();
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException("the new session row could not be recorded", conflict);
		}
	}

	/**
	 * Runs a change on one row as a compare-and-set, again on a fresh read each time
	 * another party wins the race.
	 * @throws DataIntegrityViolationException when the change breaks a constraint (the
	 * caller decides what that means)
	 */
	<T> T change(long id, Change<T> change) {
		return change(id, null, change);
	}

	/**
	 * Runs a change as {@link #change(long, Change)} does, first on the row as this flow
	 * holds it (as it last read or wrote it), which saves the read: if another party
	 * changed the row since, the write finds another version and the change runs again on
	 * a fresh read. {@code known} is not to be used again by the caller.
	 */
	<T> T change(Session known, Change<T> change) {
		return change(known.getId(), known, change);
	}

	private <T> T change(long id, @Nullable Session known, Change<T> change) {
		for (int race = 1;; race++) {
			Session held = (race == 1) ? known : null;
			try {
				return required(this.ledger.commit(() -> {
					Session session = (held != null) ? held
							: this.rows.find(id).orElseThrow(() -> new IllegalStateException("no session " + id));
					return apply(session, change);
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

	/**
	 * Lets go of the id a finished row holds for a repeated end that can no longer be in
	 * flight (the gateway stopped during its call, longer ago than {@code longestCall}).
	 * @return whether the row no longer holds the id
	 */
	boolean releaseStaleHold(Session row, Duration longestCall, Instant now) {
		if (!row.heldForRepeatEnd()) {
			return false;
		}
		return change(row, (session, history) -> {
			if (session.repeatHoldOver(longestCall, now)) {
				history.accept(session.releaseRepeatHold(now));
			}
			return !session.heldForRepeatEnd();
		});
	}

	/**
	 * Claims up to {@code batch} ENDING rows due at {@code now}, oldest due first,
	 * skipping rows another transaction holds: each claimed row counts one more attempt
	 * and is not due again before {@code leaseUntil}, so no other replica claims it
	 * meanwhile.
	 */
	List<EndClaim> claimDueEnds(Instant now, int batch, Instant leaseUntil) {
		return inTransaction("due ends could not be claimed", () -> {
			List<Long> ids = this.jdbc.queryForList(DUE_ENDS, Long.class, at(now), batch);
			if (ids.isEmpty()) {
				return List.of();
			}
			List<EndClaim> claims = new ArrayList<>();
			for (long id : ids) {
				Session session = this.rows.find(id).orElseThrow(() -> new IllegalStateException("no " + id));
				session.claim(leaseUntil);
				this.rows.update(session);
				claims.add(new EndClaim(session.getId(), session.getProvider(), session.getScope(),
						required(session.getSessionId()), session.getAttempts(), session.version(),
						session.verifyFirst(now)));
			}
			return claims;
		});
	}

	/**
	 * Claims the rows a query selects (at most {@code batch}, skipping rows another
	 * transaction holds) and runs a change on each in the same transaction: two replicas
	 * never work the same row at once, and neither waits for the other.
	 * @param query selects ids, ending in
	 * {@code fetch first ? rows only for update skip locked}; {@code batch} is its last
	 * argument
	 */
	<T> List<T> claimAndChange(String query, List<Object> args, int batch, Change<T> change) {
		return inTransaction("sessions could not be claimed", () -> {
			List<Object> all = new ArrayList<>(args);
			all.add(batch);
			List<Long> ids = this.jdbc.queryForList(query, Long.class, all.toArray());
			List<T> results = new ArrayList<>();
			for (long id : ids) {
				Session session = this.rows.find(id).orElseThrow(() -> new IllegalStateException("no " + id));
				results.add(apply(session, change));
			}
			return results;
		});
	}

	/** The sessions of one lease that an end of the lease still has to move. */
	static final String LEASE_SESSIONS_TO_END = """
			select id from tracked_session where lease_id = ?
			and (status = 'ACTIVE' or (status = 'OPENING' and end_reason is null))
			order by id fetch first ? rows only for update skip locked""";

	/** How one round of ending a lease's sessions went. */
	record LeaseSweep(Lease lease, int moved, boolean done) {
	}

	/**
	 * Moves up to {@code batch} sessions of an ending lease (EXPIRING or REVOKING) to
	 * their end, in one transaction with the lease locked: ACTIVE sessions become ENDING
	 * (due at once), an OPENING one gets the end carried out as soon as its open
	 * resolves. A lease with none left to move is DONE.
	 * @param leaseId the lease, or null for any ending lease no other replica holds
	 * @param actor who the sessions' history names as having asked for the end
	 * @return how the round went, or empty when there was no such lease
	 */
	Optional<LeaseSweep> endLeaseSessions(@Nullable String leaseId, String actor, int batch, Instant now) {
		return inTransaction("a lease's sessions could not be ended", () -> {
			Optional<Lease> claimed = (leaseId != null) ? this.leases.lockEnding(leaseId) : this.leases.claimEnding();
			if (claimed.isEmpty()) {
				return Optional.empty();
			}
			Lease lease = claimed.get();
			EndReason reason = (lease.state() == LeaseState.REVOKING) ? EndReason.LEASE_REVOKED
					: EndReason.LEASE_EXPIRED;
			List<Long> ids = this.jdbc.queryForList(LEASE_SESSIONS_TO_END, Long.class, lease.id(), batch);
			for (long id : ids) {
				Session session = this.rows.find(id).orElseThrow(() -> new IllegalStateException("no " + id));
				apply(session, (row, history) -> {
					history.accept((row.getStatus() == SessionStatus.ACTIVE) ? row.requestEnd(reason, actor, now)
							: row.requestEndWhileOpening(reason, actor, now));
					return true;
				});
			}
			boolean done = false;
			if (ids.size() < batch) {
				Long left = this.jdbc.queryForObject(
						"select count(*) from tracked_session where lease_id = ? and "
								+ "(status = 'ACTIVE' or (status = 'OPENING' and end_reason is null))",
						Long.class, lease.id());
				if (left == null || left == 0) {
					this.leases.done(lease.id(), now);
					done = true;
				}
			}
			return Optional.of(new LeaseSweep(lease, ids.size(), done));
		});
	}

	/**
	 * Deletes up to {@code batch} rows in this status that ended before
	 * {@code endedBefore}, with their history.
	 * @return how many rows were deleted
	 */
	int purge(SessionStatus status, Instant endedBefore, int batch) {
		return inTransaction("ended sessions could not be purged", () -> {
			List<Long> ids = this.jdbc.queryForList(PAST_RETENTION, Long.class, status.name(), at(endedBefore), batch);
			ids.forEach(this.rows::delete);
			return ids.size();
		});
	}

	/**
	 * Claims up to {@code batch} ENDED rows whose create was uncertain and that are due
	 * to be checked with their provider once more; each is not due again before
	 * {@code retryAt} unless its check is recorded ({@link Session#rechecked}).
	 */
	List<Session> claimRechecks(Instant now, int batch, Instant retryAt) {
		return inTransaction("ended sessions could not be claimed for a check", () -> {
			List<Long> ids = this.jdbc.queryForList(DUE_RECHECKS, Long.class, at(now), batch);
			List<Session> claimed = new ArrayList<>();
			for (long id : ids) {
				this.rows.find(id).ifPresent((session) -> {
					session.recheckLater(retryAt);
					this.rows.update(session);
					claimed.add(session);
				});
			}
			return claimed;
		});
	}

	/**
	 * Claims up to {@code batch} ACTIVE rows last checked before {@code checkedBefore},
	 * longest unchecked first, and marks them checked at {@code now}.
	 */
	List<Session> claimForCheck(Instant checkedBefore, int batch, Instant now) {
		return inTransaction("sessions could not be claimed for a check", () -> {
			List<Long> ids = this.jdbc.queryForList(UNCHECKED, Long.class, at(checkedBefore), batch);
			List<Session> claimed = new ArrayList<>();
			for (long id : ids) {
				this.rows.find(id).ifPresent((session) -> {
					session.checked(now);
					this.rows.update(session);
					claimed.add(session);
				});
			}
			return claimed;
		});
	}

	/**
	 * Runs work on the ledger's tables in a committed transaction shared with other units
	 * (a group commit).
	 * @throws TrackingUnavailableException if the ledger could not be written
	 */
	<T> T commit(String failure, Supplier<T> work) {
		try {
			return required(this.ledger.commit(work));
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException(failure, ex);
		}
	}

	/**
	 * Runs work in a transaction of its own (a claim of rows with
	 * {@code for update skip locked}).
	 * @throws TrackingUnavailableException if the ledger could not be written
	 */
	<T> T inTransaction(String failure, Supplier<T> work) {
		try {
			return required(this.ledger.transaction(work));
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException(failure, ex);
		}
	}

	/**
	 * Runs a change on a row read in the current transaction. The row is written first
	 * (and only if the change moved it): its update takes the row's lock, or finds the
	 * version changed, before the history rows reference it, so two changes of one row
	 * queue on that lock instead of deadlocking.
	 */
	private <T> T apply(Session session, Change<T> change) {
		List<@Nullable Object> before = session.changeable();
		boolean wasLive = session.getStatus().isLive();
		boolean wasHeld = session.held();
		List<SessionTransition> written = new ArrayList<>();
		T result = change.apply(session, written::add);
		if (!before.equals(session.changeable())) {
			this.rows.update(session);
			boolean isLive = session.getStatus().isLive();
			if (wasLive != isLive) {
				this.usage.moved(session.getClient(), session.getProvider(), isLive ? 1 : -1);
			}
		}
		this.rows.insertHistory(written);
		this.activity.moved(session, wasHeld);
		this.events.changed(session, written);
		return result;
	}

	/** An instant as the JDBC drivers of both databases take it. */
	static OffsetDateTime at(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	/** The live row with this key, if there is one. */
	Optional<Session> findLive(SessionKey key) {
		return read(() -> this.rows.findLive(key.liveKey()));
	}

	Optional<Session> find(long id) {
		return read(() -> this.rows.find(id));
	}

	/** The row most recently recorded under this key, live or not. */
	Optional<Session> latest(SessionKey key) {
		return read(() -> this.rows.latest(key));
	}

	/** Whether a row with this key was ever recorded, live or not. */
	boolean everTracked(SessionKey key) {
		return read(() -> this.rows.everTracked(key));
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
