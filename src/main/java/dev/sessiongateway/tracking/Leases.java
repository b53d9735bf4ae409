package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import dev.sessiongateway.ledger.Ledger;

/**
 * Leases, in the manner of etcd's: a client grants one with a time to live, attaches
 * sessions to it as it opens them, keeps it alive with one call however many sessions it
 * holds, and revokes it; a lease not kept alive expires. Either way its sessions are
 * ended through the same durable path as any end (reason {@code LEASE_REVOKED} or
 * {@code LEASE_EXPIRED}). A lease is the client's own: another client's is as good as
 * unknown.
 */
@Service
public class Leases {

	/** The shortest time to live a lease may have. */
	public static final Duration MIN_TTL = Duration.ofSeconds(1);

	/** The longest time to live a lease may have. */
	public static final Duration MAX_TTL = Duration.ofHours(24);

	/** How many of a revoked lease's sessions one transaction moves to their end. */
	static final int REVOKE_BATCH = 500;

	/** A lease's id: {@code ls_} and 128 random bits, URL-safe. */
	public static boolean isId(String text) {
		return LeaseRows.ID.matcher(text).matches();
	}

	/** The most live sessions a read of a lease lists. */
	public static final int MAX_LISTED = 1000;

	private final SessionStore store;

	private final LeaseRows rows;

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final SessionMeters meters;

	Leases(SessionStore store, LeaseRows rows, Ledger ledger, Clock clock, SessionMeters meters) {
		this.store = store;
		this.rows = rows;
		this.jdbc = ledger.jdbc();
		this.clock = clock;
		this.meters = meters;
	}

	/** A lease and its live sessions (at most {@link #MAX_LISTED} of them listed). */
	public record Details(Lease lease, long liveSessions, List<TrackedSession> sessions) {
	}

	/**
	 * Grants the client a new lease.
	 * @throws IllegalArgumentException when the time to live is out of bounds
	 */
	public Lease grant(String client, Duration ttl) {
		if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
			throw new IllegalArgumentException("a lease's time to live is " + MIN_TTL + " to " + MAX_TTL);
		}
		Instant now = this.clock.instant();
		Lease lease = this.store.commit("the lease could not be recorded",
				() -> this.rows.grant(client, ttl, false, now));
		this.meters.leaseGranted();
		return lease;
	}

	/**
	 * Moves the client's live lease's expiry on by its time to live, for every session
	 * attached to it at once.
	 * @throws LeaseNotFoundException when it is not the client's live lease
	 */
	public Lease keepAlive(String client, String id) {
		Instant now = this.clock.instant();
		return this.store.commit("the lease could not be kept alive", () -> this.rows.keepAlive(id, client, now))
			.orElseThrow(LeaseNotFoundException::new);
	}

	/**
	 * Keeps alive the lease the gateway granted for one session, when that session is
	 * read through it; nothing else is changed.
	 */
	void keepAliveOwn(String id, Instant now) {
		this.store.commit("the session's lease could not be kept alive", () -> {
			this.rows.find(id)
				.filter((lease) -> lease.ownSession() && lease.isLive(now))
				.ifPresent((lease) -> this.rows.keepAlive(id, lease.client(), now));
			return true;
		});
	}

	/**
	 * The client's lease, in whatever state, with its live sessions.
	 * @throws LeaseNotFoundException when the client holds no lease of that id
	 */
	public Details read(String client, String id) {
		return this.store.commit("the lease could not be read", () -> {
			Lease lease = this.rows.find(id)
				.filter((found) -> found.client().equals(client))
				.orElseThrow(LeaseNotFoundException::new);
			Long live = this.jdbc.queryForObject("select count(*) from tracked_session where lease_id = ? and "
					+ "status in ('OPENING', 'ACTIVE', 'ENDING')", Long.class, id);
			List<TrackedSession> sessions = this.jdbc.query(
					"select " + SessionRows.COLUMNS + " from tracked_session where lease_id = ? and status in "
							+ "('OPENING', 'ACTIVE', 'ENDING') order by id fetch first ? rows only",
					(rs, row) -> SessionRows.session(rs, row).view(lease.expiresAt()), id, MAX_LISTED);
			return new Details(lease, (live != null) ? live : 0, sessions);
		});
	}

	/**
	 * Revokes the client's live lease: every session attached to it is moved to its end
	 * now (reason {@code LEASE_REVOKED}), and background work ends them at their
	 * provider.
	 * @return how many sessions were moved to their end
	 * @throws LeaseNotFoundException when it is not the client's live lease
	 */
	public long revoke(String client, String id) {
		Instant now = this.clock.instant();
		boolean revoked = this.store.commit("the lease could not be revoked",
				() -> this.rows.end(id, client, LeaseState.REVOKING, now));
		if (!revoked) {
			throw new LeaseNotFoundException();
		}
		long moved = 0;
		for (Optional<SessionStore.LeaseSweep> sweep = this.store.endLeaseSessions(id, client, REVOKE_BATCH, now); sweep
			.isPresent(); sweep = this.store.endLeaseSessions(id, client, REVOKE_BATCH, now)) {
			moved += sweep.get().moved();
			if (sweep.get().done() || sweep.get().moved() == 0) {
				// what another transaction holds is left to background work
				break;
			}
		}
		this.meters.leaseEnded(false, moved);
		return moved;
	}

}
