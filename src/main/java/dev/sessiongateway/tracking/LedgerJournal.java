package dev.sessiongateway.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.jspecify.annotations.Nullable;

/**
 * The redo journal of an H2 file database. H2 writes a commit to its file by rewriting
 * every B-tree page the commit touched (tens of pages for one session row and its
 * indexes), which costs far more than the commit itself; with the journal H2 writes its
 * file in the background ({@code WRITE_DELAY}), while each ledger transaction is durable
 * before its commit returns: its rows, as written, are appended to the journal in one
 * write, under one lock with the commit itself, so that the journal's order is the order
 * of the commits. The transaction also records its journal sequence in
 * {@code ledger_journal}, so the database always knows the last record it holds.
 * <p>
 * After a crash ({@code kill -9}) {@link JournalReplay} applies the records past that
 * sequence, before anything else touches the database. A record whose transaction could
 * not commit is followed by an abort mark and is not replayed. Segments are rotated, and
 * a segment is deleted once an H2 {@code CHECKPOINT} has written everything it records to
 * the database file. Like H2's own {@code WRITE_DELAY=0}, a record reaches the operating
 * system before the caller is answered, not the disk: it survives the process, not a
 * power cut.
 */
final class LedgerJournal implements AutoCloseable {

	/** Length (4), sequence (8), checksum (4). */
	static final int HEADER = 16;

	/** A record's payload that marks the transaction of the same sequence as aborted. */
	static final byte ABORT = 4;

	private static final Pattern SEGMENT = Pattern.compile(".*\\.journal-(\\d+)");

	private final Path base;

	private final long segmentLimit;

	private final Object lock = new Object();

	private @Nullable FileChannel channel;

	private long segment;

	private long written;

	private long sequence;

	LedgerJournal(Path base, long segmentLimit) {
		this.base = base;
		this.segmentLimit = segmentLimit;
	}

	/**
	 * The database file a JDBC URL names, if it is a plain H2 file database (not in
	 * memory, not a server, no other file system).
	 */
	static @Nullable Path h2File(String url) {
		if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
			return null;
		}
		String rest = url.substring(8);
		if (rest.regionMatches(true, 0, "file:", 0, 5)) {
			rest = rest.substring(5);
		}
		int settings = rest.indexOf(';');
		rest = (settings >= 0) ? rest.substring(0, settings) : rest;
		if (rest.isBlank() || rest.contains(":")) {
			return null;
		}
		return Path.of(rest.startsWith("~") ? System.getProperty("user.home") + rest.substring(1) : rest);
	}

	/** The segments on disk, oldest first. */
	List<Path> segments() {
		Path dir = directory();
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(dir)) {
			String prefix = this.base.getFileName() + ".journal-";
			return files.filter((file) -> file.getFileName().toString().startsWith(prefix))
				.filter((file) -> SEGMENT.matcher(file.getFileName().toString()).matches())
				.sorted((a, b) -> Long.compare(number(a), number(b)))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts writing after the records on disk (which replay has applied), at sequence
	 * {@code last} + 1.
	 */
	void open(long last) {
		synchronized (this.lock) {
			List<Path> existing = segments();
			this.segment = existing.isEmpty() ? 1 : number(existing.getLast()) + 1;
			this.sequence = last;
			this.channel = openSegment(this.segment);
		}
	}

	/**
	 * Journals one transaction and commits it: its sequence is recorded in the
	 * transaction, its record appended, then the commit runs, all under the journal's
	 * lock.
	 * @throws RuntimeException the commit's failure (the record is then marked aborted)
	 */
	void commit(JournalEntry entry, Connection connection, Runnable commit) {
		synchronized (this.lock) {
			long seq = this.sequence + 1;
			record(connection, seq);
			append(seq, entry.toByteArray());
			this.sequence = seq;
			try {
				commit.run();
			}
			catch (RuntimeException | Error ex) {
				append(seq, new byte[] { ABORT });
				throw ex;
			}
		}
	}

	/**
	 * Starts a new segment and returns the ones before it: everything they record is
	 * committed, so once the database has written its file they can go.
	 */
	List<Path> rotate() {
		synchronized (this.lock) {
			if (this.written == 0) {
				return List.of();
			}
			closeChannel();
			this.segment++;
			this.channel = openSegment(this.segment);
			return segments().stream().filter((file) -> number(file) < this.segment).toList();
		}
	}

	private void record(Connection connection, long seq) {
		try (PreparedStatement update = connection.prepareStatement("update ledger_journal set seq = ? where id = 1")) {
			update.setLong(1, seq);
			if (update.executeUpdate() != 1) {
				throw new IllegalStateException("the ledger_journal row is missing");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the journal sequence could not be recorded", ex);
		}
	}

	private void append(long seq, byte[] payload) {
		FileChannel open = this.channel;
		if (open == null) {
			throw new IllegalStateException("the ledger journal is not open");
		}
		CRC32C crc = new CRC32C();
		ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length);
		buffer.putInt(payload.length).putLong(seq);
		crc.update(buffer.array(), 4, 8);
		crc.update(payload);
		buffer.putInt((int) crc.getValue()).put(payload).flip();
		try {
			while (buffer.hasRemaining()) {
				open.write(buffer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the ledger journal could not be written", ex);
		}
		this.written += HEADER + payload.length;
	}

	/** Whether the current segment has grown past its limit. */
	boolean full() {
		synchronized (this.lock) {
			return this.written >= this.segmentLimit;
		}
	}

	private FileChannel openSegment(long number) {
		try {
			Files.createDirectories(directory());
			this.written = 0;
			return FileChannel.open(segmentPath(number), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the ledger journal could not be opened", ex);
		}
	}

	private Path segmentPath(long number) {
		return directory().resolve(this.base.getFileName() + ".journal-" + String.format("%09d", number));
	}

	private Path directory() {
		Path parent = this.base.toAbsolutePath().getParent();
		return (parent != null) ? parent : Path.of(".");
	}

	static long number(Path segment) {
		Matcher matcher = SEGMENT.matcher(segment.getFileName().toString());
		if (!matcher.matches()) {
			throw new IllegalArgumentException("not a journal segment: " + segment);
		}
		return Long.parseLong(matcher.group(1));
	}

	/** Renames segments out of the journal's way, for a human to look at. */
	static void setAside(List<Path> segments) {
		for (Path file : segments) {
			try {
				Files.move(file, file.resolveSibling(file.getFileName() + ".set-aside"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("journal segment " + file + " could not be set aside", ex);
			}
		}
	}

	static void delete(List<Path> segments) {
		List<Path> left = new ArrayList<>();
		for (Path file : segments) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				left.add(file);
			}
		}
		if (!left.isEmpty()) {
			throw new UncheckedIOException(new IOException("journal segments could not be deleted: " + left));
		}
	}

	private void closeChannel() {
		FileChannel open = this.channel;
		this.channel = null;
		if (open != null) {
			try {
				open.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			closeChannel();
		}
	}

}
