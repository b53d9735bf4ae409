package dev.sessiongateway.tracking;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * The lease table ({@code lease}) in plain JDBC, its columns listed once. Every write
 * runs in the calling code's transaction.
 */
@Component
class LeaseRows {

	/** A lease's id: {@code ls_} and 128 random bits, URL-safe. */
	static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("ls_[A-Za-z0-9_-]{22}");

	private static final String COLUMNS = "id, client, ttl_ms, granted_at, expires_at, state, ended_at, own_session";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final CallerEvents events;

	LeaseRows(Ledger ledger, CallerEvents events) {
		this.jdbc = ledger.jdbc();
		this.events = events;
	}

	/** Grants a new ACTIVE lease. */
	Lease grant(String client, Duration ttl, boolean ownSession, Instant now) {
		byte[] bits = new byte[16];
		RANDOM.nextBytes(bits);
		Lease lease = new Lease("ls_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits), client, ttl, now,
				now.plus(ttl), LeaseState.ACTIVE, null, ownSession);
		this.jdbc.update("insert into lease (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?)", lease.id(),
				lease.client(), ttl.toMillis(), at(now), at(lease.expiresAt()), lease.state().name(), null, ownSession);
		return lease;
	}

	Optional<Lease> find(String id) {
		return one("select " + COLUMNS + " from lease where id = ?", id);
	}

	/**
	 * The client's lease, live at {@code now}, locked until the end of the transaction:
	 * it cannot expire or be revoked before a session attached to it is recorded.
	 */
	Optional<Lease> lockLive(String id, String client, Instant now) {
		return one("select " + COLUMNS + " from lease where id = ? for update", id)
			.filter((lease) -> lease.client().equals(client) && lease.isLive(now));
	}

	/**
	 * Moves a live lease's expiry on by its time to live: one row, however many sessions
	 * are attached.
	 * @return the lease as kept alive, or empty when it is not the client's or not live
	 */
	Optional<Lease> keepAlive(String id, String client, Instant now) {
		Optional<Lease> lease = lockLive(id, client, now);
		lease
			.ifPresent((live) -> this.jdbc.update("update lease set expires_at = ?, version = version + 1 where id = ?",
					at(now.plus(live.ttl())), id));
		return lease.map((live) -> new Lease(live.id(), live.client(), live.ttl(), live.grantedAt(),
				now.plus(live.ttl()), live.state(), null, live.ownSession()));
	}

	/**
	 * Moves a live lease of the client's to {@code state} (REVOKING, or EXPIRING).
	 * @return whether it was live
	 */
	boolean end(String id, String client, LeaseState state, Instant now) {
		boolean ended = this.jdbc.update("update lease set state = ?, version = version + 1 where id = ? and "
				+ "client = ? and state = 'ACTIVE' and expires_at > ?", state.name(), id, client, at(now)) == 1;
		if (ended) {
			find(id).ifPresent((lease) -> this.events.leaseEnded(lease, now));
		}
		return ended;
	}

	/**
	 * Claims up to {@code batch} ACTIVE leases past their expiry and marks them EXPIRING.
	 * @return their ids
	 */
	List<String> expireDue(Instant now, int batch) {
		List<Lease> due = this.jdbc.query(
				"select " + COLUMNS + " from lease where state = 'ACTIVE' and "
						+ "expires_at <= ? order by expires_at fetch first ? rows only for update skip locked",
				LeaseRows::lease, at(now), batch);
		for (Lease lease : due) {
			this.jdbc.update("update lease set state = 'EXPIRING', version = version + 1 where id = ?", lease.id());
			this.events.leaseEnded(new Lease(lease.id(), lease.client(), lease.ttl(), lease.grantedAt(),
					lease.expiresAt(), LeaseState.EXPIRING, null, lease.ownSession()), now);
		}
		return due.stream().map(Lease::id).toList();
	}

	/** Claims one lease whose sessions are being ended (EXPIRING or REVOKING), if any. */
	Optional<Lease> claimEnding() {
		return one("select " + COLUMNS + " from lease where state in ('EXPIRING', 'REVOKING') "
				+ "order by expires_at fetch first 1 rows only for update skip locked");
	}

	/** Locks one lease whose sessions are being ended. */
	Optional<Lease> lockEnding(String id) {
		return one("select " + COLUMNS + " from lease where id = ? and state in ('EXPIRING', 'REVOKING') for update",
				id);
	}

	/** The lease's sessions are all ended (or ending): it is DONE. */
	void done(String id, Instant now) {
		this.jdbc.update("update lease set state = 'DONE', ended_at = ?, version = version + 1 where id = ?", at(now),
				id);
	}

	/** Deletes up to {@code batch} DONE leases that ended before a time. */
	int purge(Instant endedBefore, int batch) {
		List<String> ids = this.jdbc.queryForList("select id from lease where state = 'DONE' and ended_at < ? "
				+ "fetch first ? rows only for update skip locked", String.class, at(endedBefore), batch);
		ids.forEach((id) -> this.jdbc.update("delete from lease where id = ?", id));
		return ids.size();
	}

	private Optional<Lease> one(String query, Object... args) {
		List<Lease> rows = this.jdbc.query(query, LeaseRows::lease, args);
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	private static Lease lease(ResultSet rs, int row) throws SQLException {
		return new Lease(rs.getString("id"), rs.getString("client"), Duration.ofMillis(rs.getLong("ttl_ms")),
				rs.getObject("granted_at", OffsetDateTime.class).toInstant(),
				rs.getObject("expires_at", OffsetDateTime.class).toInstant(), LeaseState.valueOf(rs.getString("state")),
				instant(rs.getObject("ended_at", OffsetDateTime.class)), rs.getBoolean("own_session"));
	}

	private static @Nullable Instant instant(@Nullable OffsetDateTime value) {
		return (value != null) ? value.toInstant() : null;
	}

}
