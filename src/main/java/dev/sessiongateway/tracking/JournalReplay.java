package dev.sessiongateway.tracking;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the journal records the H2 database file does not hold yet (those past the
 * sequence it recorded), in the order they were committed, then has H2 write its file and
 * deletes the segments. Runs at start-up, before schema migrations and before anything
 * else uses the database.
 */
final class JournalReplay {

	private static final Logger log = LoggerFactory.getLogger(JournalReplay.class);

	private static final String MERGE_SESSION = """
			merge into tracked_session (id, provider, scope, session_id, client, created_at, version, live_key, status,
			pathway_id, updated_at, expires_at, ended_at, end_reason, next_attempt_at, attempts, last_error,
			ending_since, flagged_at, last_checked_at, settles_at) key (id)
			values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

	private static final String MERGE_HISTORY = """
			merge into session_transition (id, session_ref, from_status, to_status, at, actor, reason, detail) key (id)
			values (?, ?, ?, ?, ?, ?, ?, ?)""";

	private JournalReplay() {
	}

	/**
	 * Replays what the database lacks.
	 * @return the last sequence the database now holds
	 * @throws IllegalStateException if a record cannot be applied (the gateway must not
	 * start on a ledger that lost committed sessions)
	 */
	static long replay(LedgerJournal journal, DataSource dataSource) {
		List<Path> segments = journal.segments();
		try (Connection connection = dataSource.getConnection()) {
			Long stored = storedSequence(connection);
			if (stored == null) {
				if (!segments.isEmpty()) {
					log.warn("journal segments {} belong to no ledger in this database; they are set aside", segments);
					LedgerJournal.setAside(segments);
				}
				return 0;
			}
			if (segments.isEmpty()) {
				return stored;
			}
			connection.setAutoCommit(false);
			Applied applied = new Applied(stored);
			for (Path segment : segments) {
				boolean last = segment.equals(segments.getLast());
				apply(connection, segment, applied, last);
			}
			applied.flush(connection);
			try (PreparedStatement update = connection
				.prepareStatement("update ledger_journal set seq = ? where id = 1")) {
				update.setLong(1, applied.last);
				update.executeUpdate();
			}
			restartIdentity(connection, "tracked_session");
			restartIdentity(connection, "session_transition");
			connection.commit();
			try (Statement checkpoint = connection.createStatement()) {
				checkpoint.execute("CHECKPOINT");
			}
			LedgerJournal.delete(segments);
			if (applied.count > 0) {
				log.warn("replayed {} ledger transactions from the journal that the database file did not hold yet "
						+ "(the gateway stopped without closing its database)", applied.count);
			}
			return applied.last;
		}
		catch (SQLException | IOException ex) {
			throw new IllegalStateException("the ledger journal could not be replayed; the gateway does not start "
					+ "without the sessions it recorded (journal segments " + segments + ")", ex);
		}
	}

	private static @Nullable Long storedSequence(Connection connection) throws SQLException {
		try (ResultSet tables = connection.getMetaData().getTables(null, null, "LEDGER_JOURNAL", null)) {
			if (!tables.next()) {
				return null;
			}
		}
		try (Statement query = connection.createStatement();
				ResultSet row = query.executeQuery("select seq from ledger_journal where id = 1")) {
			return row.next() ? row.getLong(1) : null;
		}
	}

	private static void apply(Connection connection, Path segment, Applied applied, boolean lastSegment)
			throws IOException, SQLException {
		ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(segment));
		while (bytes.remaining() >= LedgerJournal.HEADER) {
			int length = bytes.getInt();
			long seq = bytes.getLong();
			int checksum = bytes.getInt();
			if (length < 0 || length > bytes.remaining()) {
				torn(segment, lastSegment);
				return;
			}
			byte[] payload = new byte[length];
			bytes.get(payload);
			CRC32C crc = new CRC32C();
			crc.update(ByteBuffer.allocate(8).putLong(seq).array());
			crc.update(payload);
			if ((int) crc.getValue() != checksum) {
				torn(segment, lastSegment);
				return;
			}
			if (payload.length == 1 && payload[0] == LedgerJournal.ABORT) {
				applied.abort(seq);
			}
			else {
				applied.next(connection, seq, payload);
			}
		}
		if (bytes.hasRemaining()) {
			torn(segment, lastSegment);
		}
	}

	/**
	 * A record cut short: the process stopped while writing it, so it was never
	 * committed.
	 */
	private static void torn(Path segment, boolean lastSegment) {
		if (!lastSegment) {
			throw new UncheckedIOException(new IOException("journal segment " + segment + " is damaged"));
		}
		log.info("the journal ends in a record cut short by the stop; its transaction never committed");
	}

	private static void restartIdentity(Connection connection, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet max = statement.executeQuery("select coalesce(max(id), 0) from " + table)) {
			max.next();
			long next = max.getLong(1) + 1;
			statement.execute("alter table " + table + " alter column id restart with " + next);
		}
	}

	/**
	 * The records applied so far; a record is held back until the next one shows it was
	 * not aborted (an abort mark follows its record directly).
	 */
	private static final class Applied {

		private long last;

		private int count;

		private long pendingSeq = -1;

		private byte @Nullable [] pending;

		Applied(long stored) {
			this.last = stored;
		}

		void next(Connection connection, long seq, byte[] payload) throws IOException, SQLException {
			flush(connection);
			if (seq > this.last) {
				this.pendingSeq = seq;
				this.pending = payload;
			}
		}

		void abort(long seq) {
			if (seq == this.pendingSeq) {
				this.pending = null;
				this.pendingSeq = -1;
			}
		}

		void flush(Connection connection) throws IOException, SQLException {
			if (this.pending != null) {
				ops(connection, this.pending);
				this.last = this.pendingSeq;
				this.count++;
			}
			this.pending = null;
			this.pendingSeq = -1;
		}

	}

	private static void ops(Connection connection, byte[] payload) throws IOException, SQLException {
		DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
		while (in.available() > 0) {
			byte op = in.readByte();
			switch (op) {
				case JournalEntry.SESSION -> session(connection, in);
				case JournalEntry.HISTORY -> history(connection, in);
				case JournalEntry.DELETE -> delete(connection, in.readLong());
				default -> throw new IOException("unknown journal operation " + op);
			}
		}
	}

	private static void session(Connection connection, DataInputStream in) throws IOException, SQLException {
		try (PreparedStatement merge = connection.prepareStatement(MERGE_SESSION)) {
			merge.setLong(1, in.readLong());
			merge.setString(2, in.readUTF());
			merge.setString(3, in.readUTF());
			merge.setString(4, JournalEntry.text(in));
			merge.setString(5, in.readUTF());
			merge.setObject(6, at(JournalEntry.time(in)));
			merge.setLong(7, in.readLong());
			merge.setString(8, JournalEntry.text(in));
			merge.setString(9, in.readUTF());
			merge.setString(10, JournalEntry.text(in));
			merge.setObject(11, at(JournalEntry.time(in)));
			merge.setObject(12, at(JournalEntry.time(in)));
			merge.setObject(13, at(JournalEntry.time(in)));
			merge.setString(14, JournalEntry.text(in));
			merge.setObject(15, at(JournalEntry.time(in)));
			merge.setInt(16, in.readInt());
			merge.setString(17, JournalEntry.text(in));
			merge.setObject(18, at(JournalEntry.time(in)));
			merge.setObject(19, at(JournalEntry.time(in)));
			merge.setObject(20, at(JournalEntry.time(in)));
			merge.setObject(21, at(JournalEntry.time(in)));
			merge.executeUpdate();
		}
	}

	private static void history(Connection connection, DataInputStream in) throws IOException, SQLException {
		try (PreparedStatement merge = connection.prepareStatement(MERGE_HISTORY)) {
			merge.setLong(1, in.readLong());
			merge.setLong(2, in.readLong());
			merge.setString(3, JournalEntry.text(in));
			merge.setString(4, in.readUTF());
			merge.setObject(5, at(JournalEntry.time(in)));
			merge.setString(6, JournalEntry.text(in));
			merge.setString(7, JournalEntry.text(in));
			merge.setString(8, JournalEntry.text(in));
			merge.executeUpdate();
		}
	}

	private static void delete(Connection connection, long id) throws SQLException {
		try (PreparedStatement history = connection
			.prepareStatement("delete from session_transition where session_ref = ?");
				PreparedStatement row = connection.prepareStatement("delete from tracked_session where id = ?")) {
			history.setLong(1, id);
			history.executeUpdate();
			row.setLong(1, id);
			row.executeUpdate();
		}
	}

	private static java.time.@Nullable OffsetDateTime at(@Nullable Instant instant) {
		return (instant != null) ? SessionStore.at(instant) : null;
	}

}
