package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * The end flow: which row an end acts on, the one in-line attempt, and how its outcome is
 * recorded. An end never waits for a retry: what the provider does not confirm stays
 * ENDING, due for background work.
 */
@Component
class SessionEnds {

	private static final Logger log = LoggerFactory.getLogger(SessionEnds.class);

	/** How often an end looks again after the row it found changed under it. */
	private static final int MAX_RACES = 8;

	private final SessionStore store;

	private final Clock clock;

	private final TrackingProperties properties;

	private final RetryPolicy retries;

	private final SessionMeters meters;

	private final LedgerSpans spans;

	SessionEnds(SessionStore store, Clock clock, TrackingProperties properties, RetryPolicy retries,
			SessionMeters meters, ObjectProvider<ObservationRegistry> observations) {
		this.spans = new LedgerSpans(observations);
		this.store = store;
		this.clock = clock;
		this.properties = properties;
		this.retries = retries;
		this.meters = meters;
	}

	/** How asking for an end left the row. */
	private sealed interface Start {

		/**
		 * The row is ENDING; {@code movedAt} is its version if this end moved it there.
		 */
		record Ending(long id, String scope, String sessionId, @Nullable Long movedAt,
				@Nullable Session row) implements Start {

			Ending(long id, String scope, String sessionId, @Nullable Long movedAt) {
				this(id, scope, sessionId, movedAt, null);
			}

		}

		/** The create is still in flight; the end is recorded and follows it. */
		record WhileOpening(long id, String sessionId) implements Start {
		}

		/**
		 * The row is ENDING and an end call may be in flight (or is not due yet): the end
		 * is recorded, and no second call is sent.
		 */
		record Underway(long id, String sessionId) implements Start {
		}

		/** The row is no longer live: it is in this status. */
		record NotLive(SessionStatus status) implements Start {
		}

	}

	/**
	 * Ends the session live under this key; with none live, records the end in a row of
	 * its own (holding the id while the end is in flight) and forwards it all the same.
	 */
	<R> EndResult<R> end(ProviderSessions<R> provider, SessionKey key, String actor, EndReason reason) {
		for (int race = 1;; race++) {
			Optional<Session> live = this.store.findLive(key);
			if (live.isPresent() && !this.store.releaseStaleHold(live.get(), provider.longestCall(), now())) {
				Start start = start(provider, live.get(), actor, reason);
				if (start instanceof Start.NotLive notLive) {
					// another party ended the session between the look and the change, or
					// is ending it again
					this.meters.endRequested(provider.provider(), SessionMeters.End.ALREADY_ENDED);
					return new EndResult.Settled<>(key.sessionId(), notLive.status());
				}
				return finish(provider, start);
			}
			try {
				Optional<Session> ended = (live.isPresent()) ? live : this.store.latest(key);
				return ended.isPresent() ? endAgain(provider, ended.get(), key, actor)
						: endUntracked(provider, key, actor);
			}
			catch (SessionAlreadyActiveException ex) {
				// an open of this id began meanwhile: end that session instead
			}
			if (race >= MAX_RACES) {
				throw new TrackingUnavailableException("an end of " + key.provider() + " session kept racing opens",
						null);
			}
		}
	}

	Optional<EndResult<?>> endRow(ProviderSessions<?> provider, long id, String actor, EndReason reason) {
		Start start = start(provider, id, actor, reason);
		if (start instanceof Start.NotLive) {
			this.meters.endRequested(provider.provider(), SessionMeters.End.ALREADY_ENDED);
			return Optional.empty();
		}
		return Optional.of(finish(provider, start));
	}

	private <R> EndResult<R> finish(ProviderSessions<R> provider, Start start) {
		return switch (start) {
			case Start.Ending ending -> attempt(provider, ending, true);
			case Start.WhileOpening opening -> {
				this.meters.endRequested(provider.provider(), SessionMeters.End.PENDING);
				yield new EndResult.Pending<>(opening.id(), opening.sessionId(),
						"The session is still opening; the gateway ends it as soon as the open resolves.");
			}
			case Start.Underway underway -> {
				this.meters.endRequested(provider.provider(), SessionMeters.End.PENDING);
				yield new EndResult.Pending<>(underway.id(), underway.sessionId(),
						"An end of this session is already under way; the gateway keeps trying until the provider confirms.");
			}
			case Start.NotLive notLive -> throw new IllegalStateException("not live");
		};
	}

	/**
	 * Records the end on the row: ACTIVE becomes ENDING, ENDING is joined. The in-line
	 * attempt that follows holds the row back from background work while its call may be
	 * in flight, so that nobody makes the same call beside it; a joined end whose row has
	 * a call in flight (or an attempt not yet due) sends none.
	 */
	private Start start(ProviderSessions<?> provider, long id, String actor, EndReason reason) {
		return start(provider, id, null, actor, reason);
	}

	private Start start(ProviderSessions<?> provider, Session live, String actor, EndReason reason) {
		return start(provider, live.getId(), live, actor, reason);
	}

	private Start start(ProviderSessions<?> provider, long id, @Nullable Session known, String actor,
			EndReason reason) {
		Instant now = now();
		Instant heldUntil = now.plus(provider.longestCall());
		SessionStore.Change<Start> change = (session, history) -> {
			String sessionId = session.getSessionId();
			return switch (session.getStatus()) {
				case ACTIVE -> {
					history.accept(session.requestEnd(reason, actor, now));
					session.holdForInlineAttempt(heldUntil);
					yield new Start.Ending(id, session.getScope(), required(sessionId), session.version() + 1, session);
				}
				case ENDING -> {
					session.joinEnd(now);
					if (session.endUnderway(now)) {
						yield new Start.Underway(id, required(sessionId));
					}
					session.holdForInlineAttempt(heldUntil);
					yield new Start.Ending(id, session.getScope(), required(sessionId), null, session);
				}
				case OPENING -> {
					if (sessionId == null) {
						yield new Start.NotLive(SessionStatus.OPENING);
					}
					history.accept(session.requestEndWhileOpening(reason, actor, now));
					yield new Start.WhileOpening(id, sessionId);
				}
				case ENDED, EXPIRED, FAILED -> new Start.NotLive(session.getStatus());
			};
		};
		return this.spans.commit(LedgerSpans.END_INTENT, provider.provider(),
				() -> (known != null) ? this.store.change(known, change) : this.store.change(id, change));
	}

	/**
	 * One end attempt for an ENDING row this flow holds: it was just moved there, or its
	 * open resolved with an end asked for meanwhile.
	 */
	<R> EndResult<R> attemptHeld(ProviderSessions<R> provider, long id) {
		Session row = this.store.find(id).orElseThrow(() -> new SessionNotFoundException(id));
		if (row.getStatus() != SessionStatus.ENDING || row.getSessionId() == null) {
			return new EndResult.Settled<>(row.getSessionId(), row.getStatus());
		}
		return attempt(provider, new Start.Ending(id, row.getScope(), row.getSessionId(), null), false);
	}

	/**
	 * The in-line end call; {@code requested}: a caller or ops asked for this end, and
	 * waits for its outcome.
	 */
	private <R> EndResult<R> attempt(ProviderSessions<R> provider, Start.Ending ending, boolean requested) {
		long id = ending.id();
		String name = provider.provider();
		Instant sentAt = now();
		ProviderOutcome<R> outcome = SessionTracker.call(() -> provider.end(ending.scope(), ending.sessionId()));
		SessionMeters.Attempt attempt = SessionMeters.Attempt.of(outcome);
		this.meters.endAttempt(name, false, attempt);
		if (requested) {
			this.meters.endRequested(name, switch (attempt) {
				case CONFIRMED -> SessionMeters.End.ENDED;
				case REFUSED -> SessionMeters.End.REFUSED;
				case FAILED -> SessionMeters.End.PENDING;
			});
		}
		return switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> {
				this.spans.commit(LedgerSpans.END_OUTCOME, name, () -> endConfirmed(id, ending.row(), sentAt));
				yield new EndResult.Answered<>(confirmed.reply());
			}
			case ProviderOutcome.Refused<R> refused -> {
				this.spans.commit(LedgerSpans.END_OUTCOME, name,
						() -> refused(id, ending.movedAt(), name + " refused the end"));
				yield new EndResult.Answered<>(refused.reply());
			}
			case ProviderOutcome.Failed<R> failed -> this.spans.commit(LedgerSpans.END_OUTCOME, name,
					() -> pending(ending, failed.failure(), failed.retryAfter()));
			case ProviderOutcome.Uncertain<R> uncertain ->
				this.spans.commit(LedgerSpans.END_OUTCOME, name, () -> pending(ending, uncertain.failure(), null));
		};
	}

	private <R> EndResult<R> pending(Start.Ending ending, RuntimeException failure, @Nullable Duration retryAfter) {
		String error = ProviderOutcome.describe(failure);
		Instant now = now();
		SessionStore.Change<Optional<Session>> failed = (session, history) -> {
			if (session.getStatus() != SessionStatus.ENDING) {
				return Optional.empty();
			}
			Duration delay = this.retries.delay(session.getAttempts() + 1, retryAfter);
			session.endAttemptFailed(error, now.plus(delay), now);
			return flagIfOverdue(session, error, now, history) ? Optional.of(session) : Optional.empty();
		};
		Session row = ending.row();
		Optional<Session> flagged = (row != null) ? this.store.change(row, failed)
				: this.store.change(ending.id(), failed);
		flagged
			.ifPresent((session) -> warnFlagged(session.getProvider(), session.getId(), session.getAttempts(), error));
		return new EndResult.Pending<>(ending.id(), ending.sessionId(),
				"The provider did not confirm the end yet (" + error + "); the gateway keeps trying until it does.");
	}

	/**
	 * One background attempt for a claimed row. Its outcome is recorded only on the row
	 * as the claim left it; a confirmation is recorded whoever changed the row, since the
	 * session is over either way.
	 */
	<R> EndAttempt attemptClaimed(ProviderSessions<R> provider, EndClaim claim) {
		if (claim.verifyFirst()) {
			EndAttempt verified = verify(provider, claim);
			if (verified != null) {
				return verified;
			}
		}
		Instant sentAt = now();
		ProviderOutcome<R> outcome = SessionTracker.call(() -> provider.end(claim.scope(), claim.sessionId()));
		Instant now = now();
		this.meters.endAttempt(claim.provider(), true, SessionMeters.Attempt.of(outcome));
		return this.spans.commit(LedgerSpans.END_OUTCOME, claim.provider(), () -> switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> confirmClaimed(claim, sentAt, now);
			case ProviderOutcome.Refused<R> refused ->
				claimFailed(claim, provider.provider() + " refused the end", null, true, now);
			case ProviderOutcome.Failed<R> failed ->
				claimFailed(claim, ProviderOutcome.describe(failed.failure()), failed.retryAfter(), false, now);
			case ProviderOutcome.Uncertain<R> uncertain ->
				claimFailed(claim, ProviderOutcome.describe(uncertain.failure()), null, false, now);
		});
	}

	/**
	 * Asks the provider whether a compensated session exists, now that its create can no
	 * longer land: gone ends the row; live means the create landed after an earlier end,
	 * and the end call follows.
	 * @return how the row was left, or null when the end call is to be made
	 */
	private <R> @Nullable EndAttempt verify(ProviderSessions<R> provider, EndClaim claim) {
		Instant askedAt = now();
		ProviderOutcome<R> outcome = SessionTracker.call(() -> provider.status(claim.scope(), claim.sessionId()));
		return switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed when confirmed.facts().isOver() -> {
				this.meters.compensationChecked(claim.provider(), false, false);
				yield confirmClaimed(claim, askedAt, now());
			}
			case ProviderOutcome.Confirmed<R> confirmed -> {
				this.meters.compensationChecked(claim.provider(), false, true);
				log.warn("{} session row {} is live at the provider although an end was confirmed: its create landed "
						+ "after the end; ending it again", claim.provider(), claim.id());
				yield null;
			}
			// a refused read tells nothing: an end sent now settles it
			case ProviderOutcome.Refused<R> refused -> null;
			case ProviderOutcome.Failed<R> failed ->
				claimFailed(claim, ProviderOutcome.describe(failed.failure()), failed.retryAfter(), false, now());
			case ProviderOutcome.Uncertain<R> uncertain ->
				claimFailed(claim, ProviderOutcome.describe(uncertain.failure()), null, false, now());
		};
	}

	/**
	 * Records that the provider confirmed a claimed end (or said the session is gone),
	 * whoever changed the row meanwhile: the session is over either way, unless the
	 * create may still land after that answer.
	 */
	private EndAttempt confirmClaimed(EndClaim claim, Instant sentAt, Instant now) {
		return this.store.change(claim.id(), (session, history) -> {
			if (session.getStatus() != SessionStatus.ENDING) {
				return EndAttempt.LEFT;
			}
			history.accept(session.confirmClaimedEnd(sentAt, now));
			return (session.getStatus() == SessionStatus.ENDED) ? EndAttempt.ENDED : EndAttempt.VERIFY_LATER;
		});
	}

	/**
	 * Records a claimed attempt the provider did not confirm, on the row as the claim
	 * left it: due again after the backoff (flagged once past the deadline), or, for a
	 * refused end the ledger only recorded for a caller, closed FAILED.
	 */
	private EndAttempt claimFailed(EndClaim claim, String error, @Nullable Duration retryAfter, boolean refused,
			Instant now) {
		EndAttempt result = this.store.change(claim.id(), (session, history) -> {
			if (session.getStatus() != SessionStatus.ENDING || session.version() != claim.version()) {
				return EndAttempt.LEFT;
			}
			if (refused && session.getEndReason() == EndReason.UNTRACKED) {
				history.accept(session.untrackedEndRefused(error, now));
				return EndAttempt.CLOSED;
			}
			session.claimedAttemptFailed(error, now.plus(this.retries.delay(claim.attempts(), retryAfter)), now);
			return flagIfOverdue(session, error, now, history) ? EndAttempt.FLAGGED : EndAttempt.RETRY;
		});
		if (result == EndAttempt.FLAGGED) {
			warnFlagged(claim.provider(), claim.id(), claim.attempts(), error);
		}
		return result;
	}

	/**
	 * Flags an end that has been failing for longer than the deadline, once: a metric and
	 * one warning for a human. It stays ENDING and keeps being tried.
	 */
	private boolean flagIfOverdue(Session session, String error, Instant now, Consumer<SessionTransition> history) {
		if (!session.overdue(this.properties.endDeadline(), now)) {
			return false;
		}
		history.accept(session.flag(error, now));
		return true;
	}

	private void warnFlagged(String provider, long id, int attempts, String error) {
		this.meters.flagged(provider);
		log.warn(
				"{} session row {} is still not ended after {} ({} attempts, last error: {}); "
						+ "it is flagged for a human and keeps being retried",
				provider, id, this.properties.endDeadline(), attempts, error);
	}

	/**
	 * A refusal undoes the end only for the party that moved the row to ENDING, and only
	 * while nobody else touched it since: another party's end is never undone. A row that
	 * only records an untracked end is closed FAILED: nothing of the gateway's stays
	 * live.
	 */
	private void refused(long id, @Nullable Long movedAt, String error) {
		Instant now = now();
		this.store.change(id, (session, history) -> {
			if (session.getStatus() != SessionStatus.ENDING) {
				return true;
			}
			if (session.getEndReason() == EndReason.UNTRACKED) {
				history.accept(session.untrackedEndRefused(error, now));
			}
			else if (movedAt != null && session.version() == movedAt) {
				history.accept(session.endRefused(error, now));
			}
			else {
				// another party asked for this end too: it stands, and is tried again
				session.endAttemptFailed(error, now.plus(this.retries.delay(session.getAttempts() + 1, null)), now);
			}
			return true;
		});
	}

	/**
	 * The provider says this row's session is over, which ends the row unless an end call
	 * may be in flight.
	 */
	void endedByProvider(long id, EndReason reason) {
		endedByProvider(id, reason, null);
	}

	/**
	 * The provider says this row's session is over, as {@code actor} told (the row's
	 * provider when null).
	 */
	void endedByProvider(long id, EndReason reason, @Nullable String actor) {
		endedByProvider(id, null, reason, actor);
	}

	/**
	 * As above, first on the row as this flow holds it ({@code known}), if it does: the
	 * provider said so itself, which ends the row unless an end call may be in flight.
	 */
	private void endedByProvider(long id, @Nullable Session known, EndReason reason, @Nullable String actor) {
		Instant now = now();
		change(id, known, (session, history) -> {
			String by = (actor != null) ? actor : session.getProvider();
			if (reason == EndReason.PROVIDER_GONE && session.createMayLandAfter(now)) {
				// not finding a session proves nothing while its create may still land:
				// the verification after that time settles it
				return true;
			}
			if (session.endUnderway(now)) {
				// the gateway's own end call may be in flight: its answer ends the row
				history.accept(session.providerEndedDuringCall(reason, by, now));
			}
			else if (session.getStatus() == SessionStatus.ACTIVE || session.getStatus() == SessionStatus.ENDING) {
				history.accept(session.endedByProvider(reason, by, now));
			}
			else if (session.getStatus() == SessionStatus.OPENING) {
				history.accept(session.requestEndWhileOpening(reason, by, now));
			}
			return true;
		});
	}

	/**
	 * The end call this flow sent at {@code sentAt} was confirmed: the session is over
	 * (the reason the end was asked for is kept), unless its create may still land after
	 * that end.
	 */
	private void endConfirmed(long id, @Nullable Session known, Instant sentAt) {
		Instant now = now();
		change(id, known, (session, history) -> {
			if (session.getStatus() == SessionStatus.ACTIVE || session.getStatus() == SessionStatus.ENDING) {
				history.accept(session.confirmEnd(sentAt, now));
			}
			return true;
		});
	}

	private <T> T change(long id, @Nullable Session known, SessionStore.Change<T> change) {
		return (known != null) ? this.store.change(known, change) : this.store.change(id, change);
	}

	/** Records what a confirmed answer about this row said. */
	void learn(long id, SessionFacts facts) {
		EndReason ended = facts.endedBecause();
		if (ended != null) {
			endedByProvider(id, ended);
			return;
		}
		if (facts.expiresAt() != null) {
			Instant now = now();
			this.store.change(id, (session, history) -> {
				if (session.getStatus().isLive()) {
					session.refreshExpiry(facts.expiresAt(), now);
				}
				return true;
			});
		}
	}

	/**
	 * Ends a session the ledger never held: recorded in a row of its own (ENDING, reason
	 * UNTRACKED), which holds the id while the end is in flight and keeps it as durable
	 * as any other.
	 */
	private <R> EndResult<R> endUntracked(ProviderSessions<R> provider, SessionKey key, String actor) {
		Instant now = now();
		long id = this.store.insertUntrackedEnd(key, actor, now, now.plus(provider.longestCall()));
		this.meters.untrackedEnd(key.provider(), false);
		log.info("ending an untracked {} session", key.provider());
		return attempt(provider, new Start.Ending(id, key.scope(), key.sessionId(), null), true);
	}

	/**
	 * Ends again a session the ledger holds as over (ENDED, EXPIRED or FAILED): the end
	 * is forwarded, and recorded in the history of that row, which holds the id while the
	 * call is in flight. The provider's answer goes back to the caller; a failure is
	 * passed on as it is (the ledger already holds the session as over).
	 * @throws SessionAlreadyActiveException if an open took the id meanwhile
	 */
	private <R> EndResult<R> endAgain(ProviderSessions<R> provider, Session ended, SessionKey key, String actor) {
		String name = provider.provider();
		boolean held;
		try {
			held = this.store.change(ended, (session, history) -> {
				if (session.getStatus().isLive() || session.heldForRepeatEnd()) {
					return false;
				}
				history.accept(session.holdForRepeatEnd(actor, now()));
				return true;
			});
		}
		catch (DataIntegrityViolationException ex) {
			throw new SessionAlreadyActiveException(key);
		}
		if (!held) {
			// another party made the row live, or ends it again, meanwhile: look again
			throw new SessionAlreadyActiveException(key);
		}
		long id = ended.getId();
		this.meters.untrackedEnd(name, true);
		log.info("ending an already ended {} session again", name);
		ProviderOutcome<R> outcome = SessionTracker.call(() -> provider.end(key.scope(), key.sessionId()));
		SessionMeters.Attempt attempt = SessionMeters.Attempt.of(outcome);
		this.meters.endAttempt(name, false, attempt);
		String answer = switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> name + " confirmed it";
			case ProviderOutcome.Refused<R> refused -> name + " refused it";
			case ProviderOutcome.Failed<R> failed -> "failed: " + ProviderOutcome.describe(failed.failure());
			case ProviderOutcome.Uncertain<R> uncertain -> "failed: " + ProviderOutcome.describe(uncertain.failure());
		};
		Instant now = now();
		this.store.change(id, (session, history) -> {
			if (session.heldForRepeatEnd()) {
				history.accept(session.repeatEndAnswered(answer, now));
			}
			return true;
		});
		return switch (outcome) {
			case ProviderOutcome.Confirmed<R> confirmed -> new EndResult.Answered<>(confirmed.reply());
			case ProviderOutcome.Refused<R> refused -> new EndResult.Answered<>(refused.reply());
			case ProviderOutcome.Failed<R> failed -> throw failed.failure();
			case ProviderOutcome.Uncertain<R> uncertain -> throw uncertain.failure();
		};
	}

	private Instant now() {
		return this.clock.instant();
	}

	private static String required(@Nullable String sessionId) {
		if (sessionId == null) {
			throw new IllegalStateException("a live session past OPENING has an id");
		}
		return sessionId;
	}

}
