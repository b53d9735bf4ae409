package dev.sessiongateway.tracking;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What one ledger transaction wrote, as the journal keeps it: each session row as it was
 * written (whole), each history entry with its id, each deleted row. Replaying entries in
 * order rebuilds what their transactions committed, however much of it the database file
 * already holds.
 */
final class JournalEntry {

	static final byte SESSION = 1;

	static final byte HISTORY = 2;

	static final byte DELETE = 3;

	private final Bytes bytes = new Bytes();

	private final DataOutputStream out = new DataOutputStream(this.bytes);

	/** A session row as it now stands in the transaction. */
	void session(Session session) {
		write(() -> {
			this.out.writeByte(SESSION);
			this.out.writeLong(session.getId());
			this.out.writeUTF(session.getProvider());
			this.out.writeUTF(session.getScope());
			text(session.getSessionId());
			this.out.writeUTF(session.getClient());
			time(session.getCreatedAt());
			this.out.writeLong(session.version());
			text(session.getLiveKey());
			this.out.writeUTF(session.getStatus().name());
			text(session.getPathwayId());
			time(session.getUpdatedAt());
			time(session.getExpiresAt());
			time(session.getEndedAt());
			text((session.getEndReason() != null) ? session.getEndReason().name() : null);
			time(session.getNextAttemptAt());
			this.out.writeInt(session.getAttempts());
			text(session.getLastError());
			time(session.getEndingSince());
			time(session.getFlaggedAt());
			time(session.getLastCheckedAt());
			time(session.getSettlesAt());
		});
	}

	/** A history entry, with the id the database gave it. */
	void history(long id, SessionTransition entry) {
		write(() -> {
			this.out.writeByte(HISTORY);
			this.out.writeLong(id);
			this.out.writeLong(entry.sessionRef());
			text((entry.getFromStatus() != null) ? entry.getFromStatus().name() : null);
			this.out.writeUTF(entry.getToStatus().name());
			time(entry.getAt());
			text(entry.getActor());
			text((entry.getReason() != null) ? entry.getReason().name() : null);
			text(entry.getDetail());
		});
	}

	/** A session row deleted with its history. */
	void delete(long id) {
		write(() -> {
			this.out.writeByte(DELETE);
			this.out.writeLong(id);
		});
	}

	boolean isEmpty() {
		return this.bytes.size() == 0;
	}

	/** Where the entry stands now, to come back to if what follows is rolled back. */
	int mark() {
		return this.bytes.size();
	}

	/** Forgets what was written after {@code mark} (its savepoint was rolled back). */
	void rollbackTo(int mark) {
		this.bytes.truncate(mark);
	}

	byte[] toByteArray() {
		return this.bytes.toByteArray();
	}

	private void text(@Nullable String value) throws IOException {
		this.out.writeBoolean(value != null);
		if (value != null) {
			this.out.writeUTF(value);
		}
	}

	private void time(@Nullable Instant value) throws IOException {
		this.out.writeBoolean(value != null);
		if (value != null) {
			this.out.writeLong(value.getEpochSecond());
			this.out.writeInt(value.getNano());
		}
	}

	private void write(Write write) {
		try {
			write.run();
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static @Nullable String text(DataInput in) throws IOException {
		return in.readBoolean() ? in.readUTF() : null;
	}

	static @Nullable Instant time(DataInput in) throws IOException {
		return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
	}

	@FunctionalInterface
	private interface Write {

		void run() throws IOException;

	}

	private static final class Bytes extends ByteArrayOutputStream {

		Bytes() {
			super(512);
		}

		void truncate(int size) {
			this.count = Math.min(this.count, size);
		}

	}

}
