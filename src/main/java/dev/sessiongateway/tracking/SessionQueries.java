package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import dev.sessiongateway.ledger.Ledger;

/**
 * What other packages may read of the ledger: searches page by page, one session with its
 * history, and live counts.
 */
@Service
public class SessionQueries {

	/** The order sessions were opened in: creation time, then id. */
	private static final Comparator<TrackedSession> IN_OPENING_ORDER = Comparator.comparing(TrackedSession::createdAt)
		.thenComparingLong(TrackedSession::id);

	/** Live statuses, as the three parameters of {@link #LIVE_STATUSES}. */
	private static final String LIVE = "status in (?, ?, ?)";

	private static final Object[] LIVE_STATUSES = SessionStatus.LIVE.stream().map(Enum::name).toArray();

	private final JdbcTemplate jdbc;

	private final ClientLimits limits;

	private final Clock clock;

	SessionQueries(Ledger ledger, ClientLimits limits, Clock clock) {
		this.jdbc = ledger.jdbc();
		this.limits = limits;
		this.clock = clock;
	}

	/**
	 * What each client with caps uses at each provider against its caps, as counted in
	 * the transactions that changed its sessions.
	 */
	public List<ClientUsage> usage() {
		Instant now = this.clock.instant();
		Map<String, ClientUsage> found = new TreeMap<>();
		this.jdbc.query("select client, provider, live, tokens, refilled_at from client_usage", (rs) -> {
			String client = rs.getString("client");
			String provider = rs.getString("provider");
			SessionCaps caps = this.limits.caps(client, provider);
			if (!caps.any()) {
				return;
			}
			double tokens = caps.opensLeft(rs.getDouble("tokens"),
					Duration.between(rs.getObject("refilled_at", OffsetDateTime.class).toInstant(), now));
			found.put(client + "\n" + provider, new ClientUsage(client, provider, rs.getLong("live"), caps.maxLive(),
					(long) Math.floor(tokens), caps.opensPerMinute()));
		});
		return List.copyOf(found.values());
	}

	/**
	 * Where a listing in the order sessions were opened stopped: the last listed
	 * session's creation time and id.
	 */
	public record Position(Instant createdAt, long id) {

		public static Position of(TrackedSession session) {
			return new Position(session.createdAt(), session.id());
		}

	}

	/**
	 * Up to {@code limit} sessions matching the search, in the order they were opened
	 * (creation time, then id), after a position. Each status is read on its own, so that
	 * every read walks an index in that order and stops at {@code limit} rows however
	 * many match; the pages are merged.
	 */
	public List<TrackedSession> find(SessionSearch search, @Nullable Position after, int limit) {
		List<TrackedSession> found = new ArrayList<>();
		for (SessionStatus status : EnumSet.copyOf(search.statuses())) {
			found.addAll(page(search, status, after, limit));
		}
		if (search.statuses().size() == 1) {
			return found;
		}
		found.sort(IN_OPENING_ORDER);
		return List.copyOf(found.subList(0, Math.min(limit, found.size())));
	}

	/**
	 * One status's page. The first condition on the position alone bounds the index
	 * range; the second drops the rows of the same instant up to the position's id.
	 */
	private List<TrackedSession> page(SessionSearch search, SessionStatus status, @Nullable Position after, int limit) {
		StringBuilder sql = new StringBuilder(
				"select " + SessionRows.COLUMNS + " from tracked_session where status = ?");
		List<Object> args = new ArrayList<>(List.of(status.name()));
		condition(sql, args, "provider = ?", search.provider());
		condition(sql, args, "scope = ?", search.scope());
		condition(sql, args, "client = ?", search.client());
		condition(sql, args, "session_id = ?", search.sessionId());
		condition(sql, args, "created_at < ?", at(search.createdBefore()));
		condition(sql, args, "created_at > ?", at(search.createdAfter()));
		if (after != null) {
			sql.append(" and created_at >= ? and (created_at > ? or id > ?)");
			args.addAll(List.of(SessionStore.at(after.createdAt()), SessionStore.at(after.createdAt()), after.id()));
		}
		sql.append(" order by created_at, id fetch first ? rows only");
		args.add(limit);
		return views(this.jdbc.query(sql.toString(), SessionRows::session, args.toArray()));
	}

	/**
	 * The sessions as other packages see them, each with when its lease expires (read
	 * apart, one statement for the page's leases, so that a listing walks its index
	 * alone).
	 */
	private List<TrackedSession> views(List<Session> sessions) {
		List<String> leases = sessions.stream().map(Session::getLeaseId).filter(Objects::nonNull).distinct().toList();
		Map<String, Instant> expiries = new HashMap<>();
		if (!leases.isEmpty()) {
			this.jdbc.query("select id, expires_at from lease where id in ("
					+ String.join(", ", Collections.nCopies(leases.size(), "?")) + ")", (rs) -> {
						expiries.put(rs.getString("id"), rs.getObject("expires_at", OffsetDateTime.class).toInstant());
					}, leases.toArray());
		}
		return sessions.stream()
			.map((session) -> session.view((session.getLeaseId() != null) ? expiries.get(session.getLeaseId()) : null))
			.toList();
	}

	private static void condition(StringBuilder sql, List<Object> args, String condition, @Nullable Object value) {
		if (value != null) {
			sql.append(" and ").append(condition);
			args.add(value);
		}
	}

	private static @Nullable Object at(@Nullable Instant instant) {
		return (instant != null) ? SessionStore.at(instant) : null;
	}

	public Optional<TrackedSession> find(long id) {
		List<TrackedSession> rows = views(this.jdbc
			.query("select " + SessionRows.COLUMNS + " from tracked_session where id = ?", SessionRows::session, id));
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	/** A session's history, oldest first. */
	public List<HistoryEntry> history(long id) {
		return this.jdbc.query(SessionRows.HISTORY, SessionRows::history, id);
	}

	/** Counts of live sessions by provider, scope and status. */
	public List<SessionCount> liveCounts() {
		return this.jdbc.query(
				"select provider, scope, status, count(*) as sessions from tracked_session where " + LIVE
						+ " group by provider, scope, status order by provider, scope, status",
				(rs, row) -> new SessionCount(rs.getString("provider"), rs.getString("scope"),
						SessionStatus.valueOf(rs.getString("status")), rs.getLong("sessions")),
				LIVE_STATUSES);
	}

	/** Counts of live sessions by the client that opened them and status. */
	public List<ClientCount> liveCountsByClient() {
		return this.jdbc.query(
				"select client, status, count(*) as sessions from tracked_session where " + LIVE
						+ " group by client, status order by client, status",
				(rs, row) -> new ClientCount(rs.getString("client"), SessionStatus.valueOf(rs.getString("status")),
						rs.getLong("sessions")),
				LIVE_STATUSES);
	}

	public @Nullable Instant oldestActiveCreatedAt() {
		List<java.time.OffsetDateTime> oldest = this.jdbc.query(
				"select min(created_at) as oldest from tracked_session where status = ?",
				(rs, row) -> rs.getObject("oldest", java.time.OffsetDateTime.class), SessionStatus.ACTIVE.name());
		return (oldest.isEmpty() || oldest.getFirst() == null) ? null : oldest.getFirst().toInstant();
	}

	/** Ends past their deadline, flagged for a human. */
	public long flaggedEnds() {
		return count("select count(*) from tracked_session where status = ? and flagged_at is not null",
				SessionStatus.ENDING);
	}

	public long count(SessionStatus status) {
		return count("select count(*) from tracked_session where status = ?", status);
	}

	private long count(String sql, SessionStatus status) {
		Long count = this.jdbc.queryForObject(sql, Long.class, status.name());
		return (count != null) ? count : 0;
	}

}
