package dev.sessiongateway.tracking;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * The session table's rows in plain JDBC, for the write path: one statement per read,
 * insert or update, no persistence context. An update is a compare-and-set on the row's
 * id and version and writes only a row a change actually moved. Every write is also
 * recorded in the transaction's journal entry when the ledger keeps a journal
 * ({@link LedgerTransactions}).
 */
@Component
class SessionRows {

	private static final String COLUMNS = """
			id, provider, scope, session_id, client, created_at, version, live_key, status, pathway_id, updated_at,
			expires_at, ended_at, end_reason, next_attempt_at, attempts, last_error, ending_since, flagged_at,
			last_checked_at, settles_at""";

	private static final String INSERT = """
			insert into tracked_session (provider, scope, client, created_at, version, session_id, live_key, status,
			pathway_id, updated_at, expires_at, ended_at, end_reason, next_attempt_at, attempts, last_error,
			ending_since, flagged_at, last_checked_at, settles_at)
			values (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

	private static final String UPDATE = """
			update tracked_session set session_id = ?, live_key = ?, status = ?, pathway_id = ?, updated_at = ?,
			expires_at = ?, ended_at = ?, end_reason = ?, next_attempt_at = ?, attempts = ?, last_error = ?,
			ending_since = ?, flagged_at = ?, last_checked_at = ?, settles_at = ?, version = version + 1
			where id = ? and version = ?""";

	private static final String INSERT_HISTORY = """
			insert into session_transition (session_ref, from_status, to_status, at, actor, reason, detail)
			values (?, ?, ?, ?, ?, ?, ?)""";

	private final JdbcTemplate jdbc;

	private final LedgerTransactions transactions;

	SessionRows(JdbcTemplate jdbc, LedgerTransactions transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	Optional<Session> find(long id) {
		return one("select " + COLUMNS + " from tracked_session where id = ?", id);
	}

	Optional<Session> findLive(String liveKey) {
		return one("select " + COLUMNS + " from tracked_session where live_key = ?", liveKey);
	}

	/** The row most recently recorded under this key, live or not. */
	Optional<Session> latest(SessionKey key) {
		List<Session> rows = this.jdbc.query(
				"select " + COLUMNS
						+ " from tracked_session where session_id = ? and provider = ? and scope = ? order by id desc "
						+ "fetch first 1 rows only",
				SessionRows::session, key.sessionId(), key.provider(), key.scope());
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	boolean everTracked(SessionKey key) {
		return !this.jdbc
			.queryForList("select id from tracked_session where provider = ? and scope = ? and session_id = ? "
					+ "fetch first 1 rows only", Long.class, key.provider(), key.scope(), key.sessionId())
			.isEmpty();
	}

	/** Inserts a new row and gives it its id. */
	void insert(Session session) {
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.update((connection) -> {
			PreparedStatement insert = connection.prepareStatement(INSERT, new String[] { "id" });
			insert.setString(1, session.getProvider());
			insert.setString(2, session.getScope());
			insert.setString(3, session.getClient());
			insert.setObject(4, at(session.getCreatedAt()));
			bind(insert, 5, session.changeable());
			return insert;
		}, key);
		Number id = key.getKey();
		if (id == null) {
			throw new IllegalStateException("the database gave the new session row no id");
		}
		session.inserted(id.longValue());
		this.transactions.journal((entry) -> entry.session(session));
	}

	/**
	 * Writes a changed row if its version is still the one it was read at.
	 * @throws OptimisticLockingFailureException if another party changed the row first
	 */
	void update(Session session) {
		List<@Nullable Object> columns = session.changeable();
		int written = this.jdbc.update((connection) -> {
			PreparedStatement update = connection.prepareStatement(UPDATE);
			bind(update, 1, columns);
			update.setLong(columns.size() + 1, session.getId());
			update.setLong(columns.size() + 2, session.version());
			return update;
		});
		if (written != 1) {
			throw new OptimisticLockingFailureException("session " + session.getId() + " changed meanwhile");
		}
		session.updated();
		this.transactions.journal((entry) -> entry.session(session));
	}

	void insertHistory(List<SessionTransition> entries) {
		for (SessionTransition entry : entries) {
			Object[] values = { entry.sessionRef(), name(entry.getFromStatus()), entry.getToStatus().name(),
					at(entry.getAt()), entry.getActor(), name(entry.getReason()), entry.getDetail() };
			if (!this.transactions.journaled()) {
				this.jdbc.update(INSERT_HISTORY, values);
				continue;
			}
			KeyHolder key = new GeneratedKeyHolder();
			this.jdbc.update((connection) -> {
				PreparedStatement insert = connection.prepareStatement(INSERT_HISTORY, new String[] { "id" });
				for (int i = 0; i < values.length; i++) {
					insert.setObject(i + 1, values[i]);
				}
				return insert;
			}, key);
			Number id = key.getKey();
			if (id == null) {
				throw new IllegalStateException("the database gave the history entry no id");
			}
			this.transactions.journal((journal) -> journal.history(id.longValue(), entry));
		}
	}

	/** Deletes a row and its history. */
	void delete(long id) {
		this.jdbc.update("delete from session_transition where session_ref = ?", id);
		this.jdbc.update("delete from tracked_session where id = ?", id);
		this.transactions.journal((entry) -> entry.delete(id));
	}

	private Optional<Session> one(String query, Object argument) {
		List<Session> rows = this.jdbc.query(query, SessionRows::session, argument);
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	private static Session session(ResultSet rs, int row) throws SQLException {
		Session session = Session.restored(rs.getLong("id"), rs.getString("provider"), rs.getString("scope"),
				rs.getString("session_id"), rs.getString("client"), required(instant(rs, "created_at")),
				rs.getLong("version"));
		String endReason = rs.getString("end_reason");
		session.read(rs.getString("live_key"), SessionStatus.valueOf(rs.getString("status")),
				rs.getString("pathway_id"), required(instant(rs, "updated_at")), instant(rs, "expires_at"),
				instant(rs, "ended_at"), (endReason != null) ? EndReason.valueOf(endReason) : null,
				instant(rs, "next_attempt_at"), rs.getInt("attempts"), rs.getString("last_error"),
				instant(rs, "ending_since"), instant(rs, "flagged_at"), instant(rs, "last_checked_at"),
				instant(rs, "settles_at"));
		return session;
	}

	private static void bind(PreparedStatement statement, int first, List<@Nullable Object> values)
			throws SQLException {
		for (int i = 0; i < values.size(); i++) {
			Object value = values.get(i);
			statement.setObject(first + i, (value instanceof Instant instant) ? at(instant) : value);
		}
	}

	private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static Instant required(@Nullable Instant value) {
		if (value == null) {
			throw new IllegalStateException("a session row lacks a required time");
		}
		return value;
	}

	private static @Nullable String name(@Nullable Enum<?> value) {
		return (value != null) ? value.name() : null;
	}

}
