package dev.sessiongateway.tracking;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One session the gateway opened (or tried to open) at a provider, as a row of
 * {@code tracked_session}. State changes are methods that check the transition is allowed
 * and return the history entry to store with it.
 */
final class Session {

	static final int MAX_ERROR_LENGTH = 1000;

	/** The history detail of an end flagged for a human. */
	static final String FLAGGED = "end past its deadline: flagged";

	private @Nullable Long id;

	private String provider;

	private String scope;

	private @Nullable String sessionId;

	/** Set while the session is live, null otherwise; unique in the database. */
	private @Nullable String liveKey;

	private SessionStatus status;

	private String client;

	/** What runs the session at its provider, as the provider named it. */
	private @Nullable String agent;

	private Instant createdAt;

	private Instant updatedAt;

	private @Nullable Instant expiresAt;

	private @Nullable Instant endedAt;

	private @Nullable EndReason endReason;

	private @Nullable Instant nextAttemptAt;

	private int attempts;

	private @Nullable String lastError;

	/** When the session last became ENDING: the end deadline counts from here. */
	private @Nullable Instant endingSince;

	/** When an end past its deadline was flagged for a human. */
	private @Nullable Instant flaggedAt;

	/** When the provider was last asked whether the session lives (or it opened). */
	private @Nullable Instant lastCheckedAt;

	/**
	 * For a create whose outcome was unknown: when the provider can no longer be
	 * finishing it. An end confirmed before then proves nothing (the create may land
	 * after it), so the session is only recorded ENDED once the provider is asked again
	 * after this time.
	 */
	private @Nullable Instant settlesAt;

	/** The lease the session is attached to, if any: it ends when the lease ends. */
	private @Nullable String leaseId;

	/**
	 * When the provider confirmed the create: the session's time counts from here until
	 * it is over ({@link #held()}).
	 */
	private @Nullable Instant confirmedAt;

	private long version;

	/**
	 * The columns of {@code tracked_session}: the one place a column of the row is named
	 * and tied to its field. Every read and write of the row goes through this list
	 * ({@link SessionRows}); a new column is a field, one constant here, and a migration.
	 */
	enum Column {

		ID("id", Kind.LONG, Write.GENERATED, (s) -> s.id, (s, v) -> s.id = (Long) v),
		PROVIDER("provider", Kind.TEXT, Write.FIXED, (s) -> s.provider, (s, v) -> s.provider = (String) v),
		SCOPE("scope", Kind.TEXT, Write.FIXED, (s) -> s.scope, (s, v) -> s.scope = (String) v),
		CLIENT("client", Kind.TEXT, Write.FIXED, (s) -> s.client, (s, v) -> s.client = (String) v),
		CREATED_AT("created_at", Kind.TIME, Write.FIXED, (s) -> s.createdAt, (s, v) -> s.createdAt = (Instant) v),
		LEASE_ID("lease_id", Kind.TEXT, Write.FIXED, (s) -> s.leaseId, (s, v) -> s.leaseId = (String) v),
		SESSION_ID("session_id", Kind.TEXT, Write.CHANGEABLE, (s) -> s.sessionId, (s, v) -> s.sessionId = (String) v),
		LIVE_KEY("live_key", Kind.TEXT, Write.CHANGEABLE, (s) -> s.liveKey, (s, v) -> s.liveKey = (String) v),
		STATUS("status", Kind.STATUS, Write.CHANGEABLE, (s) -> s.status, (s, v) -> s.status = (SessionStatus) v),
		AGENT("agent", Kind.TEXT, Write.CHANGEABLE, (s) -> s.agent, (s, v) -> s.agent = (String) v),
		UPDATED_AT("updated_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.updatedAt, (s, v) -> s.updatedAt = (Instant) v),
		EXPIRES_AT("expires_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.expiresAt, (s, v) -> s.expiresAt = (Instant) v),
		ENDED_AT("ended_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.endedAt, (s, v) -> s.endedAt = (Instant) v),
		END_REASON("end_reason", Kind.REASON, Write.CHANGEABLE, (s) -> s.endReason,
				(s, v) -> s.endReason = (EndReason) v),
		NEXT_ATTEMPT_AT("next_attempt_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.nextAttemptAt,
				(s, v) -> s.nextAttemptAt = (Instant) v),
		ATTEMPTS("attempts", Kind.INT, Write.CHANGEABLE, (s) -> s.attempts, (s, v) -> s.attempts = (Integer) v),
		LAST_ERROR("last_error", Kind.TEXT, Write.CHANGEABLE, (s) -> s.lastError, (s, v) -> s.lastError = (String) v),
		ENDING_SINCE("ending_since", Kind.TIME, Write.CHANGEABLE, (s) -> s.endingSince,
				(s, v) -> s.endingSince = (Instant) v),
		FLAGGED_AT("flagged_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.flaggedAt, (s, v) -> s.flaggedAt = (Instant) v),
		LAST_CHECKED_AT("last_checked_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.lastCheckedAt,
				(s, v) -> s.lastCheckedAt = (Instant) v),
		SETTLES_AT("settles_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.settlesAt, (s, v) -> s.settlesAt = (Instant) v),
		CONFIRMED_AT("confirmed_at", Kind.TIME, Write.CHANGEABLE, (s) -> s.confirmedAt,
				(s, v) -> s.confirmedAt = (Instant) v),
		VERSION("version", Kind.LONG, Write.VERSION, (s) -> s.version, (s, v) -> s.version = (Long) v);

		/** How a column is written. */
		enum Write {

			/** Given by the database on insert, never written. */
			GENERATED,
			/** Written on insert only. */
			FIXED,
			/** Written on insert and by every update that changes the row. */
			CHANGEABLE,
			/** The row's version: 0 on insert, the compare-and-set of every update. */
			VERSION

		}

		/** How a column's values are read and bound. */
		enum Kind {

			TEXT, TIME, INT, LONG, STATUS, REASON;

			@Nullable Object read(ResultSet row, String name) throws SQLException {
				return switch (this) {
					case TEXT -> row.getString(name);
					case TIME -> {
						OffsetDateTime value = row.getObject(name, OffsetDateTime.class);
						yield (value != null) ? value.toInstant() : null;
					}
					case INT -> row.getInt(name);
					case LONG -> row.getLong(name);
					case STATUS -> SessionStatus.valueOf(row.getString(name));
					case REASON -> {
						String value = row.getString(name);
						yield (value != null) ? EndReason.valueOf(value) : null;
					}
				};
			}

		}

		private final String column;

		private final Kind kind;

		private final Write write;

		private final Function<Session, @Nullable Object> get;

		private final BiConsumer<Session, @Nullable Object> set;

		Column(String column, Kind kind, Write write, Function<Session, @Nullable Object> get,
				BiConsumer<Session, @Nullable Object> set) {
			this.column = column;
			this.kind = kind;
			this.write = write;
			this.get = get;
			this.set = set;
		}

		/** The column's name in the table. */
		String column() {
			return this.column;
		}

		Write write() {
			return this.write;
		}

		/** The session's value for this column, as JDBC binds it. */
		@Nullable Object bound(Session session) {
			Object value = this.get.apply(session);
			if (value instanceof Instant instant) {
				return instant.atOffset(ZoneOffset.UTC);
			}
			return (value instanceof Enum<?> name) ? name.name() : value;
		}

		/** Sets the session's field from the current row of a result set. */
		void read(ResultSet row, Session session) throws SQLException {
			this.set.accept(session, this.kind.read(row, this.column));
		}

		private static final java.util.Map<Write, List<Column>> BY_WRITE = java.util.Arrays.stream(values())
			.collect(java.util.stream.Collectors.groupingBy(Column::write, () -> new java.util.EnumMap<>(Write.class),
					java.util.stream.Collectors.toUnmodifiableList()));

		/** The columns of one way of writing, in order. */
		static List<Column> written(Write write) {
			return BY_WRITE.getOrDefault(write, List.of());
		}

	}

	/** A row about to be read from the database ({@link SessionRows}). */
	@SuppressWarnings("NullAway.Init")
	Session() {
	}

	private Session(String provider, String scope, @Nullable String sessionId, String client, Instant now) {
		this(provider, scope, sessionId, client, null, now);
	}

	private Session(String provider, String scope, @Nullable String sessionId, String client, @Nullable String leaseId,
			Instant now) {
		this.leaseId = leaseId;
		this.provider = provider;
		this.scope = scope;
		this.sessionId = sessionId;
		this.client = client;
		this.status = SessionStatus.OPENING;
		this.createdAt = now;
		this.updatedAt = now;
		this.lastCheckedAt = now;
		if (sessionId != null) {
			this.liveKey = new SessionKey(provider, scope, sessionId).liveKey();
		}
	}

	/**
	 * The values a change may write: comparing them before and after a change tells
	 * whether the row needs writing at all.
	 */
	List<@Nullable Object> changeable() {
		List<@Nullable Object> values = new ArrayList<>();
		for (Column column : Column.written(Column.Write.CHANGEABLE)) {
			values.add(column.bound(this));
		}
		return values;
	}

	/**
	 * The session as other packages see it, with when its lease (if any) expires, as last
	 * read.
	 */
	TrackedSession view(@Nullable Instant leaseExpiresAt) {
		return new TrackedSession(getId(), this.provider, this.scope, this.sessionId, this.status, this.client,
				this.createdAt, this.updatedAt, this.expiresAt, this.endedAt, this.endReason, this.agent, this.attempts,
				this.lastError, this.nextAttemptAt, this.endingSince, this.flaggedAt, this.lastCheckedAt, this.leaseId,
				leaseExpiresAt);
	}

	/** The id the database gave the new row. */
	void inserted(long id) {
		this.id = id;
	}

	/** The row was written with its version raised by one. */
	void updated() {
		this.version++;
	}

	/**
	 * A session about to be opened. The session id may be unknown until the provider
	 * answers (Konpro chooses its own ids).
	 */
	static Session opening(String provider, String scope, @Nullable String sessionId, String client,
			@Nullable String leaseId, Instant now) {
		return new Session(provider, scope, sessionId, client, leaseId, now);
	}

	/**
	 * An end of a session the ledger holds no live row for: the row is ENDING from the
	 * start, so that it holds the id (an open of it meanwhile is refused) and the end is
	 * as durable as any other.
	 */
	static Session untrackedEnd(String provider, String scope, String sessionId, String actor, Instant now) {
		Session session = new Session(provider, scope, sessionId, actor, now);
		session.status = SessionStatus.ENDING;
		session.endReason = EndReason.UNTRACKED;
		session.nextAttemptAt = now;
		session.endingSince = now;
		return session;
	}

	/**
	 * A caller ends again a session the ledger holds as over: the row takes its id back
	 * while that end is in flight (an open of the id meanwhile is refused, so the end
	 * cannot reach a session opened again), and the repeat is recorded in its history.
	 */
	SessionTransition holdForRepeatEnd(String actor, Instant now) {
		if (this.status.isLive() || this.liveKey != null || this.sessionId == null) {
			throw new IllegalStateException("session " + this.id + " is " + this.status + ", or already held");
		}
		this.liveKey = new SessionKey(this.provider, this.scope, this.sessionId).liveKey();
		this.updatedAt = now;
		return new SessionTransition(this, this.status, this.status, now, actor, null,
				"end asked again: forwarded to " + this.provider);
	}

	/** The repeated end came back ({@code outcome} says how): the id is free again. */
	SessionTransition repeatEndAnswered(String outcome, Instant now) {
		if (!heldForRepeatEnd()) {
			throw new IllegalStateException("session " + this.id + " holds no repeated end");
		}
		this.liveKey = null;
		this.updatedAt = now;
		return new SessionTransition(this, this.status, this.status, now, this.provider, null,
				truncate("repeated end: " + outcome));
	}

	/** Whether this finished row holds its id for a repeated end. */
	boolean heldForRepeatEnd() {
		return !this.status.isLive() && this.liveKey != null;
	}

	/**
	 * Whether the repeated end this row holds its id for can no longer be in flight (the
	 * gateway stopped during its call): the hold is stale.
	 */
	boolean repeatHoldOver(Duration longestCall, Instant now) {
		return heldForRepeatEnd() && this.updatedAt.plus(longestCall).isBefore(now);
	}

	/** A stale hold of a repeated end is let go. */
	SessionTransition releaseRepeatHold(Instant now) {
		return repeatEndAnswered("no answer recorded (the gateway stopped during the call)", now);
	}

	/** The first history entry of a new row. */
	SessionTransition recorded() {
		return new SessionTransition(this, null, this.status, this.createdAt, this.client, this.endReason, null);
	}

	/**
	 * The provider refused an end the ledger only recorded because a caller asked for it:
	 * there is nothing of the gateway's to keep live, so the row is closed as FAILED.
	 */
	SessionTransition untrackedEndRefused(String error, Instant now) {
		if (this.status != SessionStatus.ENDING || this.endReason != EndReason.UNTRACKED) {
			throw new IllegalStateException("session " + this.id + " is not an untracked end in flight");
		}
		this.attempts++;
		this.lastError = truncate(error);
		this.endedAt = now;
		this.nextAttemptAt = null;
		return move(SessionStatus.FAILED, now, this.provider, EndReason.UNTRACKED, error);
	}

	/**
	 * The provider confirmed the create: the session is ACTIVE. An end asked for while it
	 * was opening turns it ENDING at once, in the same change.
	 */
	List<SessionTransition> confirmOpen(SessionFacts facts, Instant now) {
		requireStatus(SessionStatus.OPENING);
		if (facts.sessionId() != null) {
			this.sessionId = facts.sessionId();
		}
		if (this.sessionId == null) {
			throw new IllegalStateException("an open session needs a session id");
		}
		this.liveKey = new SessionKey(this.provider, this.scope, this.sessionId).liveKey();
		this.agent = facts.agent();
		this.expiresAt = facts.expiresAt();
		EndReason pendingEnd = this.endReason;
		this.endReason = null;
		this.confirmedAt = now;
		List<SessionTransition> changes = new ArrayList<>();
		changes.add(move(SessionStatus.ACTIVE, now, this.client, null, null));
		if (pendingEnd != null) {
			changes.add(startEnding(pendingEnd, "gateway", now, "end asked for while opening"));
		}
		return changes;
	}

	SessionTransition failOpen(String error, Instant now) {
		requireStatus(SessionStatus.OPENING);
		this.lastError = truncate(error);
		this.endedAt = now;
		this.endReason = null;
		return move(SessionStatus.FAILED, now, this.client, null, error);
	}

	/**
	 * The create's outcome is unknown: the session may exist at the provider, so it is
	 * ENDING (reason COMPENSATION) until an end is confirmed. A session id learnt from
	 * the provider's reply is kept. {@code settlesAt}: when the provider can no longer be
	 * finishing the create (null when it certainly landed already): an end confirmed
	 * before then is verified after it.
	 */
	SessionTransition compensate(@Nullable String knownSessionId, String error, @Nullable Instant settlesAt,
			Instant now) {
		requireStatus(SessionStatus.OPENING);
		this.settlesAt = settlesAt;
		if (this.sessionId == null && knownSessionId != null) {
			this.sessionId = knownSessionId;
			this.liveKey = new SessionKey(this.provider, this.scope, knownSessionId).liveKey();
		}
		if (this.sessionId == null) {
			throw new IllegalStateException("a compensation needs a session id");
		}
		this.lastError = truncate(error);
		return startEnding(EndReason.COMPENSATION, "gateway", now, error);
	}

	/**
	 * Asks for the end of an ACTIVE session: it becomes ENDING and stays so until the
	 * provider confirms.
	 */
	SessionTransition requestEnd(EndReason reason, String actor, Instant now) {
		requireStatus(SessionStatus.ACTIVE);
		return startEnding(reason, actor, now, null);
	}

	/**
	 * Records an end asked for while the create is still in flight; it is carried out as
	 * soon as the open resolves.
	 */
	SessionTransition requestEndWhileOpening(EndReason reason, String actor, Instant now) {
		requireStatus(SessionStatus.OPENING);
		if (this.endReason == null) {
			this.endReason = reason;
		}
		this.updatedAt = now;
		return new SessionTransition(this, SessionStatus.OPENING, SessionStatus.OPENING, now, actor, reason,
				"end asked for while opening");
	}

	/**
	 * Keeps an ENDING row from background work until {@code until}, while an end call
	 * made in-line is in flight: that call's outcome sets when the row is due next, and
	 * should the gateway stop before recording it, background work takes the row once the
	 * hold is over. A row held longer (a background claim's lease) keeps its hold.
	 */
	void holdForInlineAttempt(Instant until) {
		requireStatus(SessionStatus.ENDING);
		if (this.nextAttemptAt == null || this.nextAttemptAt.isBefore(until)) {
			this.nextAttemptAt = until;
		}
	}

	/**
	 * Another party asks for the end of a session already ENDING: nothing moves, but the
	 * version changes, so that a refusal seen by the first party cannot undo this end.
	 */
	void joinEnd(Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.updatedAt = now;
	}

	/**
	 * Whether an end call for this ENDING session may be in flight, or its next attempt
	 * is not due yet. A provider cannot tell two sessions opened under one id apart, so
	 * while a call may be in flight nobody else sends one, and only that call's answer
	 * takes the row out of ENDING: a late end can never reach a session opened again
	 * under the same id.
	 */
	boolean endUnderway(Instant now) {
		return this.status == SessionStatus.ENDING && this.nextAttemptAt != null && this.nextAttemptAt.isAfter(now);
	}

	/**
	 * The provider says a session is over while the gateway's own end call may still be
	 * in flight: the reason is kept, and that call's answer ends the row.
	 */
	SessionTransition providerEndedDuringCall(EndReason reason, String actor, Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.endReason = reason;
		this.updatedAt = now;
		return new SessionTransition(this, SessionStatus.ENDING, SessionStatus.ENDING, now, actor, reason,
				"the provider says the session is over; the end call in flight settles it");
	}

	private SessionTransition startEnding(EndReason reason, String actor, Instant now, @Nullable String detail) {
		this.endReason = reason;
		this.nextAttemptAt = now;
		this.endingSince = now;
		this.flaggedAt = null;
		return move(SessionStatus.ENDING, now, actor, reason, detail);
	}

	/**
	 * The provider confirmed an end of this session (2xx, or 404: already gone) sent at
	 * {@code sentAt}: whatever party asked, the session is over, and the provider is the
	 * actor of that step; unless the create may still land after that end
	 * ({@link #settlesAt}), in which case it stays ENDING until it is verified.
	 */
	SessionTransition confirmEnd(Instant sentAt, Instant now) {
		if (this.status != SessionStatus.ACTIVE && this.status != SessionStatus.ENDING) {
			throw new IllegalStateException("session " + this.id + " is " + this.status);
		}
		this.attempts++;
		return confirmed(sentAt, now);
	}

	/**
	 * Whether an end sent at {@code sentAt} may have reached the provider before a create
	 * still in flight there: its confirmation proves nothing.
	 */
	boolean createMayLandAfter(Instant sentAt) {
		return this.settlesAt != null && sentAt.isBefore(this.settlesAt);
	}

	/**
	 * Whether the provider is to be asked whether the session exists before it is ended
	 * again: an end confirmed earlier may have come before a create that landed later.
	 */
	boolean verifyFirst(Instant now) {
		return this.status == SessionStatus.ENDING && this.settlesAt != null && !now.isBefore(this.settlesAt);
	}

	private SessionTransition confirmed(Instant sentAt, Instant now) {
		if (createMayLandAfter(sentAt)) {
			Instant settles = this.settlesAt;
			this.lastError = null;
			this.nextAttemptAt = settles;
			this.updatedAt = now;
			return new SessionTransition(this, SessionStatus.ENDING, SessionStatus.ENDING, now, this.provider,
					this.endReason, "end confirmed while the create may still land: " + this.provider
							+ " is asked again at " + settles);
		}
		return finish(now, (this.endReason != null) ? this.endReason : EndReason.CLIENT, this.provider);
	}

	/**
	 * The provider still holds this session although its end was recorded: a create that
	 * landed after the compensating end. The row is ENDING again (reason COMPENSATION),
	 * due at once; it takes the id back, so the caller must be sure no other live row
	 * holds it.
	 */
	SessionTransition foundLiveAfterEnd(Instant now) {
		if (this.status.isLive() || this.sessionId == null) {
			throw new IllegalStateException("session " + this.id + " is " + this.status);
		}
		SessionStatus from = this.status;
		this.liveKey = new SessionKey(this.provider, this.scope, this.sessionId).liveKey();
		this.settlesAt = null;
		this.endedAt = null;
		this.endReason = EndReason.COMPENSATION;
		this.nextAttemptAt = now;
		this.endingSince = now;
		this.flaggedAt = null;
		this.status = SessionStatus.ENDING;
		this.updatedAt = now;
		return new SessionTransition(this, from, SessionStatus.ENDING, now, this.provider, EndReason.COMPENSATION,
				"still live at " + this.provider + " after its end was recorded: ending it again");
	}

	/**
	 * An ENDED row's recheck is claimed: should its answer not be recorded, it is due
	 * again at {@code retryAt}.
	 */
	void recheckLater(Instant retryAt) {
		requireStatus(SessionStatus.ENDED);
		this.nextAttemptAt = retryAt;
	}

	/** An ENDED row was checked with its provider once more: it is not due again. */
	void rechecked(Instant now) {
		this.nextAttemptAt = null;
		this.lastCheckedAt = now;
	}

	/**
	 * An end attempt failed; the session stays ENDING and is due again at
	 * {@code nextAttemptAt}.
	 */
	void endAttemptFailed(String error, Instant nextAttemptAt, Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.attempts++;
		this.lastError = truncate(error);
		this.nextAttemptAt = nextAttemptAt;
		this.updatedAt = now;
	}

	/**
	 * A background attempt (already counted when its row was claimed) failed; the session
	 * stays ENDING and is due again at {@code nextAttemptAt}.
	 */
	void claimedAttemptFailed(String error, Instant nextAttemptAt, Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.lastError = truncate(error);
		this.nextAttemptAt = nextAttemptAt;
		this.updatedAt = now;
	}

	/**
	 * A background attempt (already counted when its row was claimed), sent at
	 * {@code sentAt}, was confirmed by the provider: the session is over, unless the
	 * create may still land after it.
	 */
	SessionTransition confirmClaimedEnd(Instant sentAt, Instant now) {
		requireStatus(SessionStatus.ENDING);
		return confirmed(sentAt, now);
	}

	/**
	 * Whether this end has been trying for longer than {@code deadline} and is not yet
	 * flagged.
	 */
	boolean overdue(Duration deadline, Instant now) {
		return this.status == SessionStatus.ENDING && this.flaggedAt == null && this.endingSince != null
				&& this.endingSince.plus(deadline).isBefore(now);
	}

	/**
	 * Flags an end past its deadline for a human; it stays ENDING and keeps being tried.
	 */
	SessionTransition flag(String error, Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.flaggedAt = now;
		this.lastError = truncate("end overdue, needs a human: " + error);
		this.updatedAt = now;
		return new SessionTransition(this, SessionStatus.ENDING, SessionStatus.ENDING, now, "gateway", this.endReason,
				FLAGGED);
	}

	/**
	 * The session is past the expiry the provider gave it: it is EXPIRED, with no call to
	 * the provider.
	 */
	SessionTransition expire(Instant now) {
		requireStatus(SessionStatus.ACTIVE);
		this.endedAt = now;
		this.nextAttemptAt = null;
		return move(SessionStatus.EXPIRED, now, "gateway", null, "past the expiry the provider gave it");
	}

	/** The provider was asked about the session and said it lives. */
	void checked(Instant now) {
		this.lastCheckedAt = now;
	}

	/**
	 * Background work claims this ENDING row for one attempt: the attempt is counted, and
	 * nobody else takes the row before {@code leaseUntil}.
	 */
	void claim(Instant leaseUntil) {
		requireStatus(SessionStatus.ENDING);
		this.attempts++;
		this.nextAttemptAt = leaseUntil;
	}

	@Nullable String getLiveKey() {
		return this.liveKey;
	}

	/**
	 * The provider refused the end as a bad request about this session: it is ACTIVE
	 * again, with the refusal kept as its last error. Only the party that moved it to
	 * ENDING may do this, and only while nobody else touched it since.
	 */
	SessionTransition endRefused(String error, Instant now) {
		requireStatus(SessionStatus.ENDING);
		this.attempts++;
		this.lastError = truncate(error);
		this.endReason = null;
		this.nextAttemptAt = null;
		this.endingSince = null;
		this.flaggedAt = null;
		return move(SessionStatus.ACTIVE, now, this.client, null, error);
	}

	/**
	 * The provider says the session is over (webhook, 404, terminated status);
	 * {@code actor} names what told (the provider, or its webhook).
	 */
	SessionTransition endedByProvider(EndReason reason, String actor, Instant now) {
		if (this.status != SessionStatus.ACTIVE && this.status != SessionStatus.ENDING) {
			throw new IllegalStateException("session " + this.id + " is " + this.status);
		}
		return finish(now, reason, actor);
	}

	void refreshExpiry(@Nullable Instant expiresAt, Instant now) {
		if (expiresAt != null && !expiresAt.equals(this.expiresAt)) {
			this.expiresAt = expiresAt;
			this.updatedAt = now;
		}
	}

	long version() {
		return this.version;
	}

	/**
	 * The session is over. A create whose outcome was unknown is checked with its
	 * provider once more, a full window (creation to {@link #settlesAt}) later:
	 * reconciliation finds a create that landed later still.
	 */
	private SessionTransition finish(Instant now, @Nullable EndReason reason, String actor) {
		this.endReason = reason;
		this.endedAt = now;
		this.nextAttemptAt = (this.settlesAt != null) ? now.plus(Duration.between(this.createdAt, this.settlesAt))
				: null;
		return move(SessionStatus.ENDED, now, actor, reason, null);
	}

	private SessionTransition move(SessionStatus to, Instant now, String actor, @Nullable EndReason reason,
			@Nullable String detail) {
		SessionStatus from = this.status;
		this.status = to;
		this.updatedAt = now;
		if (!to.isLive()) {
			this.liveKey = null;
		}
		return new SessionTransition(this, from, to, now, actor, reason, truncate(detail));
	}

	private void requireStatus(SessionStatus expected) {
		if (this.status != expected) {
			throw new IllegalStateException("session " + this.id + " is " + this.status + ", not " + expected);
		}
	}

	private static @Nullable String truncate(@Nullable String text) {
		return (text == null || text.length() <= MAX_ERROR_LENGTH) ? text : text.substring(0, MAX_ERROR_LENGTH);
	}

	public long getId() {
		if (this.id == null) {
			throw new IllegalStateException("session not saved yet");
		}
		return this.id;
	}

	public String getProvider() {
		return this.provider;
	}

	public String getScope() {
		return this.scope;
	}

	public @Nullable String getSessionId() {
		return this.sessionId;
	}

	public SessionStatus getStatus() {
		return this.status;
	}

	public String getClient() {
		return this.client;
	}

	public @Nullable String getAgent() {
		return this.agent;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public @Nullable Instant getExpiresAt() {
		return this.expiresAt;
	}

	public @Nullable Instant getEndedAt() {
		return this.endedAt;
	}

	public @Nullable EndReason getEndReason() {
		return this.endReason;
	}

	public @Nullable Instant getNextAttemptAt() {
		return this.nextAttemptAt;
	}

	public int getAttempts() {
		return this.attempts;
	}

	public @Nullable Instant getEndingSince() {
		return this.endingSince;
	}

	public @Nullable Instant getFlaggedAt() {
		return this.flaggedAt;
	}

	public @Nullable Instant getLastCheckedAt() {
		return this.lastCheckedAt;
	}

	public @Nullable String getLeaseId() {
		return this.leaseId;
	}

	/**
	 * Whether the provider holds the session for its client, as far as the ledger knows:
	 * the create was confirmed and the session is not over yet (ACTIVE, or ENDING until
	 * the provider confirms the end). Sessions whose create was never confirmed
	 * (compensations, ends of sessions the gateway did not open) are never held.
	 */
	boolean held() {
		return this.confirmedAt != null && (this.status == SessionStatus.ACTIVE || this.status == SessionStatus.ENDING);
	}

	public @Nullable Instant getConfirmedAt() {
		return this.confirmedAt;
	}

	public @Nullable Instant getSettlesAt() {
		return this.settlesAt;
	}

	public @Nullable String getLastError() {
		return this.lastError;
	}

}
