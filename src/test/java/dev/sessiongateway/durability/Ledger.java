package dev.sessiongateway.durability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * The session rows as the database holds them, read with JDBC (for H2, only while no
 * gateway has the file open).
 *
 * @param rows every row, oldest first
 */
record Ledger(List<Row> rows) {

	private static final Set<String> LIVE = Set.of("OPENING", "ACTIVE", "ENDING");

	/** One row of {@code tracked_session}. */
	record Row(long id, String sessionId, String status, @Nullable String endReason, int attempts) {

		boolean live() {
			return LIVE.contains(this.status);
		}

	}

	static Ledger read(String url, String user) throws SQLException {
		List<Row> rows = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection(url, user, "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"select id, session_id, status, end_reason, attempts from tracked_session order by id")) {
			while (result.next()) {
				rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getString(4),
						result.getInt(5)));
			}
		}
		return new Ledger(List.copyOf(rows));
	}

	/** The ids of the sessions with a row in one of these statuses, sorted. */
	Set<String> sessionIds(String... statuses) {
		Set<String> wanted = Set.of(statuses);
		Set<String> ids = new TreeSet<>();
		this.rows.stream().filter((row) -> wanted.contains(row.status())).forEach((row) -> ids.add(row.sessionId()));
		return ids;
	}

	/** The ids of the sessions with a live row (OPENING, ACTIVE or ENDING), sorted. */
	Set<String> liveSessionIds() {
		return sessionIds(LIVE.toArray(String[]::new));
	}

	/** The ids of the sessions with any row, sorted. */
	Set<String> sessionIds() {
		Set<String> ids = new TreeSet<>();
		this.rows.forEach((row) -> ids.add(row.sessionId()));
		return ids;
	}

	/** The rows of one session, oldest first. */
	List<Row> of(String sessionId) {
		return this.rows.stream().filter((row) -> row.sessionId().equals(sessionId)).toList();
	}

	/** A small table of the rows, with the sessions live at the provider marked. */
	String print(String title, Set<String> liveAtProvider) {
		StringBuilder table = new StringBuilder("== ").append(title).append('\n');
		table.append(String.format("  %-4s %-10s %-8s %-13s %-8s %s%n", "row", "session", "status", "end reason",
				"attempts", "live at provider"));
		for (Row row : this.rows) {
			table.append(String.format("  %-4d %-10s %-8s %-13s %-8d %s%n", row.id(), row.sessionId(), row.status(),
					(row.endReason() != null) ? row.endReason() : "-", row.attempts(),
					liveAtProvider.contains(row.sessionId()) ? "yes" : "no"));
		}
		Set<String> untracked = new TreeSet<>(liveAtProvider);
		untracked.removeAll(sessionIds());
		if (!untracked.isEmpty()) {
			table.append("  live at provider without any row: ").append(untracked).append('\n');
		}
		return table.toString();
	}

}
