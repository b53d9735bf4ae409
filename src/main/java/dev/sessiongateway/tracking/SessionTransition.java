package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * One entry in a session's history: a move from one status to another, who caused it and
 * why. Every entry names its actor: the client that asked, {@code ops:<name>}, the
 * provider (by its name) that confirmed or reported, {@code <provider> webhook}, or
 * {@code gateway} for the gateway's own decisions.
 */
@Entity
@Table(name = "session_transition")
public class SessionTransition {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "session_ref")
	private Session session;

	@Enumerated(EnumType.STRING)
	private @Nullable SessionStatus fromStatus;

	@Enumerated(EnumType.STRING)
	private SessionStatus toStatus;

	private Instant at;

	private @Nullable String actor;

	@Enumerated(EnumType.STRING)
	private @Nullable EndReason reason;

	@Column(length = Session.MAX_ERROR_LENGTH)
	private @Nullable String detail;

	@SuppressWarnings("NullAway.Init")
	protected SessionTransition() {
	}

	SessionTransition(Session session, @Nullable SessionStatus fromStatus, SessionStatus toStatus, Instant at,
			String actor, @Nullable EndReason reason, @Nullable String detail) {
		this.session = session;
		this.fromStatus = fromStatus;
		this.toStatus = toStatus;
		this.at = at;
		this.actor = Objects.requireNonNull(actor, "every history entry names its actor");
		this.reason = reason;
		this.detail = detail;
	}

	/** The id of the session row this entry belongs to. */
	long sessionRef() {
		return this.session.getId();
	}

	public @Nullable SessionStatus getFromStatus() {
		return this.fromStatus;
	}

	public SessionStatus getToStatus() {
		return this.toStatus;
	}

	public Instant getAt() {
		return this.at;
	}

	public @Nullable String getActor() {
		return this.actor;
	}

	public @Nullable EndReason getReason() {
		return this.reason;
	}

	public @Nullable String getDetail() {
		return this.detail;
	}

}
