package dev.sessiongateway.tracking;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The session table and its history as a test reads them, with the rows' own columns.
 */
class StoredSessions {

	private final JdbcTemplate jdbc;

	StoredSessions(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	List<Session> findAll() {
		return this.jdbc.query("select " + SessionRows.COLUMNS + " from tracked_session order by id",
				SessionRows::session);
	}

	long count() {
		Long count = this.jdbc.queryForObject("select count(*) from tracked_session", Long.class);
		return (count != null) ? count : 0;
	}

	Optional<Session> findById(long id) {
		return one("id = ?", id);
	}

	Optional<Session> findByLiveKey(String liveKey) {
		return one("live_key = ?", liveKey);
	}

	/** A session's history, oldest first. */
	List<HistoryEntry> historyOf(long id) {
		return this.jdbc.query(SessionRows.HISTORY, SessionRows::history, id);
	}

	private Optional<Session> one(String condition, Object argument) {
		return this.jdbc
			.query("select " + SessionRows.COLUMNS + " from tracked_session where " + condition, SessionRows::session,
					argument)
			.stream()
			.findFirst();
	}

}
