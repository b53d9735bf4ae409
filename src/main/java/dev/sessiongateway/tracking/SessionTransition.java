package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One entry to write into a session's history ({@code session_transition}): a move from
 * one status to another, who caused it and why. Every entry names its actor: the client
 * that asked, {@code ops:<name>}, the provider (by its name) that confirmed or reported,
 * {@code <provider> webhook}, or {@code gateway} for the gateway's own decisions. Entries
 * are read back as {@link HistoryEntry}.
 */
final class SessionTransition {

	/** The columns written, in order, after {@code session_ref}. */
	static final String COLUMNS = "from_status, to_status, at, actor, reason, detail";

	private final Session session;

	private final HistoryEntry entry;

	SessionTransition(Session session, @Nullable SessionStatus fromStatus, SessionStatus toStatus, Instant at,
			String actor, @Nullable EndReason reason, @Nullable String detail) {
		this.session = session;
		this.entry = new HistoryEntry(fromStatus, toStatus, at,
				Objects.requireNonNull(actor, "every history entry names its actor"), reason, detail);
	}

	/** The id of the session row this entry belongs to. */
	long sessionRef() {
		return this.session.getId();
	}

	HistoryEntry entry() {
		return this.entry;
	}

	/** Whether this entry flags an end past its deadline for a human. */
	boolean flagged() {
		return this.entry.to() == SessionStatus.ENDING && Session.FLAGGED.equals(this.entry.detail());
	}

}
