package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * What each client with caps has at each provider ({@code client_usage}): its live
 * sessions, and its allowance of opens (a token bucket), counted in the same transactions
 * that record its sessions. An open locks its client's row, so that two opens of one
 * client, on any replicas, are counted one after the other and a cap holds exactly.
 * Clients without caps have no row, and cost nothing.
 */
@Component
class SessionUsage implements SmartInitializingSingleton {

	private static final String LIVE = "status in ('OPENING', 'ACTIVE', 'ENDING')";

	private final JdbcTemplate jdbc;

	private final Ledger ledger;

	private final ClientLimits limits;

	/** The rows known to exist. */
	private final Set<String> created = ConcurrentHashMap.newKeySet();

	SessionUsage(Ledger ledger, ClientLimits limits) {
		this.jdbc = ledger.jdbc();
		this.ledger = ledger;
		this.limits = limits;
	}

	/**
	 * Makes every capped client's row before the gateway takes requests, so that no count
	 * is made while that client's sessions change: a replica that starts beside others
	 * finds the rows there.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Instant now = Instant.now();
		this.limits.caps().forEach((client, providers) -> providers.forEach((provider, caps) -> {
			if (caps.any()) {
				prepare(client, provider, now);
			}
		}));
	}

	/** The client's caps at the provider (none when not configured). */
	SessionCaps caps(String client, String provider) {
		return this.limits.caps(client, provider);
	}

	/**
	 * Makes sure a capped client's row exists, counted from the ledger, in a transaction
	 * of its own (before the open's unit, which then only locks it).
	 */
	void prepare(String client, String provider, Instant now) {
		SessionCaps caps = caps(client, provider);
		if (!caps.any() || this.created.contains(client + "\n" + provider)) {
			return;
		}
		try {
			this.ledger.transaction(() -> {
				Long rows = this.jdbc.queryForObject(
						"select count(*) from client_usage where client = ? and provider = ?", Long.class, client,
						provider);
				if (rows == null || rows == 0) {
					this.jdbc.update(
							"insert into client_usage (client, provider, live, tokens, refilled_at) values (?, ?, ?, ?, ?)",
							client, provider, countLive(client, provider), (double) caps.opensPerMinute(), at(now));
				}
				return true;
			});
		}
		catch (DataIntegrityViolationException ex) {
			// another replica made it first
		}
		this.created.add(client + "\n" + provider);
	}

	/**
	 * Counts one more open of a capped client, in the transaction that records it: its
	 * row is locked, its caps checked and its counts moved on.
	 * @throws SessionLimitReachedException over a cap (nothing is written)
	 */
	void admit(String client, String provider, Instant now) {
		SessionCaps caps = caps(client, provider);
		if (!caps.any()) {
			return;
		}
		List<Row> rows = this.jdbc.query(
				"select live, tokens, refilled_at from client_usage where client = ? and provider = ? for update",
				(rs, n) -> new Row(rs.getLong("live"), rs.getDouble("tokens"),
						rs.getObject("refilled_at", OffsetDateTime.class).toInstant()),
				client, provider);
		if (rows.isEmpty()) {
			this.created.remove(client + "\n" + provider);
			throw new RowMissingException();
		}
		Row row = rows.getFirst();
		double tokens = caps.opensLeft(row.tokens(), Duration.between(row.refilledAt(), now));
		Duration refilled = (caps.opensPerMinute() > 0)
				? seconds((caps.opensPerMinute() - tokens) * 60.0 / caps.opensPerMinute()) : Duration.ZERO;
		if (caps.maxLive() > 0 && row.live() >= caps.maxLive()) {
			throw new SessionLimitReachedException(provider, SessionLimitReachedException.Cap.MAX_LIVE, caps,
					row.live(), (long) Math.floor(tokens), null, refilled);
		}
		if (caps.opensPerMinute() > 0 && tokens < 1) {
			throw new SessionLimitReachedException(provider, SessionLimitReachedException.Cap.OPENS_PER_MINUTE, caps,
					row.live(), 0, seconds((1 - tokens) * 60.0 / caps.opensPerMinute()), refilled);
		}
		if (caps.opensPerMinute() > 0) {
			tokens -= 1;
		}
		this.jdbc.update(
				"update client_usage set live = ?, tokens = ?, refilled_at = ? where client = ? and provider = ?",
				row.live() + 1, tokens, at(now), client, provider);
	}

	/**
	 * A capped client's session became live (+1) or stopped being live (-1) in the
	 * current transaction.
	 */
	void moved(String client, String provider, int delta) {
		if (delta != 0 && caps(client, provider).any()) {
			this.jdbc.update("update client_usage set live = live + ? where client = ? and provider = ?", delta, client,
					provider);
		}
	}

	/**
	 * Counts a capped client's live sessions anew from the ledger, with its row locked so
	 * that no open of it is counted meanwhile: repairs a count that drifted, and makes a
	 * row that is missing.
	 * @return by how much the stored count was off (0 when it was right)
	 */
	long recount(String client, String provider, Instant now) {
		return this.ledger.transaction(() -> {
			List<Long> stored = this.jdbc.queryForList(
					"select live from client_usage where client = ? and provider = ? for update", Long.class, client,
					provider);
			if (stored.isEmpty()) {
				this.jdbc.update(
						"insert into client_usage (client, provider, live, tokens, refilled_at) values (?, ?, ?, ?, ?)",
						client, provider, countLive(client, provider), (double) caps(client, provider).opensPerMinute(),
						at(now));
				this.created.add(client + "\n" + provider);
				return 0L;
			}
			long counted = countLive(client, provider);
			if (counted != stored.getFirst()) {
				this.jdbc.update("update client_usage set live = ? where client = ? and provider = ?", counted, client,
						provider);
			}
			return counted - stored.getFirst();
		});
	}

	/** The live sessions and opens left of a capped client, as stored. */
	long live(String client, String provider) {
		List<Long> live = this.jdbc.queryForList("select live from client_usage where client = ? and provider = ?",
				Long.class, client, provider);
		return live.isEmpty() ? countLive(client, provider) : live.getFirst();
	}

	private long countLive(String client, String provider) {
		Long count = this.jdbc.queryForObject(
				"select count(*) from tracked_session where client = ? and provider = ? and " + LIVE, Long.class,
				client, provider);
		return (count != null) ? count : 0;
	}

	private static Duration seconds(double seconds) {
		return Duration.ofSeconds((long) Math.ceil(Math.max(0, seconds)));
	}

	private record Row(long live, double tokens, Instant refilledAt) {
	}

	/**
	 * A capped client's row was not there (the table was emptied under a running
	 * gateway): the open runs again once it is made.
	 */
	static final class RowMissingException extends RuntimeException {

		RowMissingException() {
			super("no usage row for a capped client", null, false, false);
		}

	}

}
