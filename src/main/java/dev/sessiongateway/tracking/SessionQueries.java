package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

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

	SessionQueries(Ledger ledger) {
		this.jdbc = ledger.jdbc();
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
		return this.jdbc.query(sql.toString(), (rs, row) -> SessionRows.session(rs, row).view(), args.toArray());
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
		List<TrackedSession> rows = this.jdbc.query(
				"select " + SessionRows.COLUMNS + " from tracked_session where id = ?",
				(rs, row) -> SessionRows.session(rs, row).view(), id);
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
