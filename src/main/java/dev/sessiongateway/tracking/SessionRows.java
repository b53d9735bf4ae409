package dev.sessiongateway.tracking;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;
import dev.sessiongateway.tracking.Session.Column;

/**
 * The session table's rows in plain JDBC: one statement per read, insert or update, each
 * made from the one list of the row's columns ({@link Session.Column}). An update is a
 * compare-and-set on the row's id and version and writes only a row a change actually
 * moved.
 */
@Component
class SessionRows {

	/** Every column, as a select list. */
	static final String COLUMNS = names(Stream.of(Column.values()));

	private static final List<Column> INSERTED = Stream
		.concat(Column.written(Column.Write.FIXED).stream(), Column.written(Column.Write.CHANGEABLE).stream())
		.toList();

	private static final List<Column> UPDATED = Column.written(Column.Write.CHANGEABLE);

	private static final String INSERT = "insert into tracked_session (" + names(INSERTED.stream()) + ") values ("
			+ INSERTED.stream().map((column) -> "?").collect(Collectors.joining(", ")) + ")";

	private static final String UPDATE = "update tracked_session set "
			+ UPDATED.stream().map((column) -> column.column() + " = ?").collect(Collectors.joining(", "))
			+ ", version = version + 1 where id = ? and version = ?";

	private static final String INSERT_HISTORY = "insert into session_transition (session_ref, "
			+ SessionTransition.COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?)";

	/** A session's history, oldest first. */
	static final String HISTORY = "select " + SessionTransition.COLUMNS
			+ " from session_transition where session_ref = ? order by id";

	private final JdbcTemplate jdbc;

	SessionRows(Ledger ledger) {
		this.jdbc = ledger.jdbc();
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
			PreparedStatement insert = connection.prepareStatement(INSERT, new String[] { Column.ID.column() });
			bind(insert, 1, INSERTED, session);
			return insert;
		}, key);
		Number id = key.getKey();
		if (id == null) {
			throw new IllegalStateException("the database gave the new session row no id");
		}
		session.inserted(id.longValue());
	}

	/**
	 * Writes a changed row if its version is still the one it was read at.
	 * @throws OptimisticLockingFailureException if another party changed the row first
	 */
	void update(Session session) {
		int written = this.jdbc.update((connection) -> {
			PreparedStatement update = connection.prepareStatement(UPDATE);
			bind(update, 1, UPDATED, session);
			update.setLong(UPDATED.size() + 1, session.getId());
			update.setLong(UPDATED.size() + 2, session.version());
			return update;
		});
		if (written != 1) {
			throw new OptimisticLockingFailureException("session " + session.getId() + " changed meanwhile");
		}
		session.updated();
	}

	void insertHistory(List<SessionTransition> entries) {
		for (SessionTransition transition : entries) {
			HistoryEntry entry = transition.entry();
			this.jdbc.update(INSERT_HISTORY, transition.sessionRef(), name(entry.from()), entry.to().name(),
					SessionStore.at(entry.at()), entry.actor(), name(entry.reason()), entry.detail());
		}
	}

	/** Deletes a row and its history. */
	void delete(long id) {
		this.jdbc.update("delete from session_transition where session_ref = ?", id);
		this.jdbc.update("delete from tracked_session where id = ?", id);
	}

	private Optional<Session> one(String query, Object argument) {
		List<Session> rows = this.jdbc.query(query, SessionRows::session, argument);
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	/** A row of {@link #COLUMNS}. */
	static Session session(ResultSet rs, int row) throws SQLException {
		Session session = new Session();
		for (Column column : Column.values()) {
			column.read(rs, session);
		}
		return session;
	}

	/** A history entry of {@link SessionTransition#COLUMNS}. */
	static HistoryEntry history(ResultSet rs, int row) throws SQLException {
		String from = rs.getString("from_status");
		String reason = rs.getString("reason");
		OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
		return new HistoryEntry((from != null) ? SessionStatus.valueOf(from) : null,
				SessionStatus.valueOf(rs.getString("to_status")), at.toInstant(), rs.getString("actor"),
				(reason != null) ? EndReason.valueOf(reason) : null, rs.getString("detail"));
	}

	private static void bind(PreparedStatement statement, int first, List<Column> columns, Session session)
			throws SQLException {
		for (int i = 0; i < columns.size(); i++) {
			statement.setObject(first + i, columns.get(i).bound(session));
		}
	}

	private static String names(Stream<Column> columns) {
		return columns.map(Column::column).collect(Collectors.joining(", "));
	}

	private static @Nullable String name(@Nullable Enum<?> value) {
		return (value != null) ? value.name() : null;
	}

}
