package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * The ledger's side of background work. Every job claims the rows it works with
 * {@code FOR UPDATE SKIP LOCKED}, in batches keyed by an index, so any number of replicas
 * can run the same job at once: each row is worked by one of them, none waits for
 * another, and no round reads more than its batch.
 */
@Service
public class SessionUpkeep {

	private static final Logger log = LoggerFactory.getLogger(SessionUpkeep.class);

	/**
	 * OPENING rows of one provider opened before a time (index on status, provider,
	 * creation).
	 */
	static final String ABANDONED_OPENS = """
			select id from tracked_session where status = 'OPENING' and provider = ? and created_at < ?
			order by created_at fetch first ? rows only for update skip locked""";

	/**
	 * ACTIVE rows of one provider opened before a time (index on status, provider,
	 * creation).
	 */
	static final String OVER_AGE = """
			select id from tracked_session where status = 'ACTIVE' and provider = ? and created_at < ?
			order by created_at fetch first ? rows only for update skip locked""";

	/** ACTIVE rows past their provider's expiry (index on status, expiry). */
	static final String PAST_EXPIRY = """
			select id from tracked_session where status = 'ACTIVE' and expires_at < ?
			order by expires_at fetch first ? rows only for update skip locked""";

	private final SessionStore store;

	private final SessionEnds ends;

	private final Clock clock;

	private final SessionMeters meters;

	private final ConfiguredProviders providers;

	private final TrackingProperties properties;

	private final LeaseRows leases;

	private final SessionUsage usage;

	private final ClientLimits limits;

	private final IdempotencyRows keys;

	SessionUpkeep(SessionStore store, SessionEnds ends, Clock clock, SessionMeters meters,
			ConfiguredProviders providers, TrackingProperties properties, LeaseRows leases, SessionUsage usage,
			ClientLimits limits, IdempotencyRows keys) {
		this.keys = keys;
		this.leases = leases;
		this.usage = usage;
		this.limits = limits;
		this.store = store;
		this.ends = ends;
		this.clock = clock;
		this.meters = meters;
		this.providers = providers;
		this.properties = properties;
	}

	/** The providers whose sessions are kept, by name. */
	public Map<String, ProviderSessions<?>> providers() {
		return this.providers.byName();
	}

	/**
	 * Claims up to {@code batch} ENDING rows that are due; none is claimed again before
	 * {@code lease} has passed.
	 */
	public List<EndClaim> claimDueEnds(int batch, Duration lease) {
		Instant now = now();
		return this.store.claimDueEnds(now, batch, now.plus(lease));
	}

	/** Makes the end call for a claimed row and records its outcome. */
	public EndAttempt attempt(EndClaim claim) {
		ProviderSessions<?> provider = this.providers.find(claim.provider());
		if (provider == null) {
			log.warn("session row {} belongs to {}, which is not configured; it stays ENDING", claim.id(),
					claim.provider());
			return EndAttempt.LEFT;
		}
		return this.ends.attemptClaimed(provider, claim);
	}

	/**
	 * Settles OPENING rows older than {@code openingTimeout}: their create can no longer
	 * be in flight, so the gateway stopped before recording its outcome. A row with a
	 * session id may have a live session at the provider and is ended (COMPENSATION); one
	 * without (Konpro chooses the id) cannot be ended and is recorded FAILED and counted.
	 * @return how many rows were settled
	 */
	public int recoverAbandonedOpens(Duration openingTimeout, int batch) {
		Instant now = now();
		int settled = 0;
		for (String provider : this.providers.byName().keySet()) {
			List<Boolean> compensated = this.store.claimAndChange(ABANDONED_OPENS,
					List.of(provider, SessionStore.at(now.minus(openingTimeout))), batch, (session, history) -> {
						String error = "the gateway stopped before the create's outcome was recorded";
						if (session.getSessionId() == null) {
							history.accept(session.failOpen("outcome unknown: " + error, now));
							return false;
						}
						history.accept(session.compensate(null, error,
								session.getCreatedAt().plus(this.properties.verifyAfter()), now));
						return true;
					});
			for (boolean each : compensated) {
				this.meters.openAbandoned(provider, each);
			}
			if (!compensated.isEmpty()) {
				log.warn(
						"{} {} session rows were left OPENING by a stopped gateway: {} queued for an end, {} "
								+ "recorded FAILED (their session id was never learnt)",
						compensated.size(), provider, compensated.stream().filter((each) -> each).count(),
						compensated.stream().filter((each) -> !each).count());
			}
			settled += compensated.size();
		}
		return settled;
	}

	/**
	 * Ends ACTIVE sessions of this provider opened longer than {@code maxAge} ago (reason
	 * EXPIRED_TTL), through the same durable path as any end.
	 * @return how many were queued for an end
	 */
	public int endOverAge(String provider, Duration maxAge, int batch) {
		Instant now = now();
		List<Boolean> ended = this.store.claimAndChange(OVER_AGE, List.of(provider, SessionStore.at(now.minus(maxAge))),
				batch, (session, history) -> {
					history.accept(session.requestEnd(EndReason.EXPIRED_TTL, "gateway", now));
					return true;
				});
		if (!ended.isEmpty()) {
			this.meters.expired(provider, true, ended.size());
		}
		return ended.size();
	}

	/**
	 * Records ACTIVE sessions past the expiry their provider gave them as EXPIRED, with
	 * no provider call.
	 * @return how many expired
	 */
	public int expirePastExpiry(int batch) {
		Instant now = now();
		List<String> expired = this.store.claimAndChange(PAST_EXPIRY, List.of(SessionStore.at(now)), batch,
				(session, history) -> {
					history.accept(session.expire(now));
					return session.getProvider();
				});
		expired.forEach((provider) -> this.meters.expired(provider, false, 1));
		return expired.size();
	}

	/**
	 * Deletes up to {@code batch} rows of each finished status that ended longer than
	 * {@code retention} ago, with their history.
	 * @return how many rows were deleted
	 */
	public int purge(Duration retention, int batch) {
		Instant before = now().minus(retention);
		int purged = 0;
		for (SessionStatus status : List.of(SessionStatus.ENDED, SessionStatus.FAILED, SessionStatus.EXPIRED)) {
			purged += this.store.purge(status, before, batch);
		}
		purged += this.store.commit("ended leases could not be purged", () -> this.leases.purge(before, batch));
		if (purged > 0) {
			this.meters.purged(purged);
		}
		return purged;
	}

	/**
	 * Deletes up to {@code batch} idempotency keys whose window has passed, with the
	 * answers stored with them (claimed, so that any number of replicas may do this at
	 * once). A key past its window is free again even before it is deleted.
	 * @return how many keys were deleted
	 */
	public int purgeIdempotencyKeys(int batch) {
		Instant now = now();
		return this.store.inTransaction("expired idempotency keys could not be purged",
				() -> this.keys.purge(now, batch));
	}

	/**
	 * Marks up to {@code batch} ACTIVE leases past their expiry EXPIRING (claimed, so
	 * that any number of replicas may do this at once); their sessions are ended by
	 * {@link #endLeaseSessions}.
	 * @return how many leases expired
	 */
	public int expireLeases(int batch) {
		Instant now = now();
		List<String> expired = this.store.commit("expired leases could not be recorded",
				() -> this.leases.expireDue(now, batch));
		if (!expired.isEmpty()) {
			this.meters.leasesExpired(expired.size());
			log.info("{} leases were not kept alive: their sessions are being ended", expired.size());
		}
		return expired.size();
	}

	/**
	 * Moves the sessions of expired and revoked leases to their end, {@code batch} a
	 * transaction, a lease at a time, until none is left or {@code rounds} transactions
	 * were run: each lease is claimed ({@code for update skip locked}), so replicas work
	 * on different leases and no session is moved twice.
	 * @return how many sessions were moved to their end
	 */
	public int endLeaseSessions(int batch, int rounds) {
		int moved = 0;
		for (int round = 0; round < rounds; round++) {
			Optional<SessionStore.LeaseSweep> sweep = this.store.endLeaseSessions(null, "gateway", batch, now());
			if (sweep.isEmpty()) {
				break;
			}
			int count = sweep.get().moved();
			if (count > 0) {
				this.meters.leaseEnded(sweep.get().lease().state() == LeaseState.EXPIRING, count);
			}
			moved += count;
			if (count == 0 && !sweep.get().done()) {
				// what another transaction holds is taken up in a later round
				break;
			}
		}
		return moved;
	}

	/**
	 * Counts the live sessions of every client with caps anew from the ledger, repairing
	 * a count that drifted (it never should: every change counts in the transaction that
	 * makes it).
	 * @return how many counts were repaired
	 */
	public int recountUsage() {
		int repaired = 0;
		Instant now = now();
		for (Map.Entry<String, Map<String, SessionCaps>> client : this.limits.caps().entrySet()) {
			for (Map.Entry<String, SessionCaps> provider : client.getValue().entrySet()) {
				if (!provider.getValue().any()) {
					continue;
				}
				long off = this.usage.recount(client.getKey(), provider.getKey(), now);
				if (off != 0) {
					repaired++;
					log.warn("the live count of client {} at {} was off by {}; recounted", client.getKey(),
							provider.getKey(), off);
				}
			}
		}
		return repaired;
	}

	/**
	 * Asks the providers about up to {@code batch} ACTIVE sessions not checked for
	 * {@code every}, longest unchecked first, and records what they say. A round stops at
	 * the first call the outbound budget holds back.
	 * @return how many sessions the providers said are over
	 */
	public int reconcile(Duration every, int batch) {
		Instant now = now();
		List<Session> rechecks = this.store.claimRechecks(now, batch, now.plus(this.properties.verifyAfter()));
		for (Session ended : rechecks) {
			if (!recheck(ended)) {
				return 0;
			}
		}
		if (rechecks.size() >= batch) {
			return 0;
		}
		int over = 0;
		for (Session session : this.store.claimForCheck(now.minus(every), batch - rechecks.size(), now)) {
			ProviderSessions<?> provider = this.providers.find(session.getProvider());
			String sessionId = session.getSessionId();
			if (provider == null || sessionId == null) {
				continue;
			}
			ProviderOutcome<?> outcome = SessionTracker.call(() -> provider.status(session.getScope(), sessionId));
			String result = switch (outcome) {
				case ProviderOutcome.Confirmed<?> confirmed -> {
					this.ends.learn(session.getId(), confirmed.facts());
					yield confirmed.facts().isOver() ? "over" : "alive";
				}
				case ProviderOutcome.Refused<?> refused -> "refused";
				case ProviderOutcome.Failed<?> failed -> "failed";
				case ProviderOutcome.Uncertain<?> uncertain -> "failed";
			};
			this.meters.reconciled(session.getProvider(), result);
			if (result.equals("over")) {
				over++;
			}
			if (outcome instanceof ProviderOutcome.Failed<?> failed && failed.retryAfter() != null) {
				break;
			}
		}
		return over;
	}

	/**
	 * Asks the provider once more about an ENDED session whose create was uncertain: one
	 * that is live there landed after its end, and is ended again, unless the id is live
	 * in the ledger once more (then that row accounts for it).
	 * @return false when the request budget held the call back (the round stops)
	 */
	private boolean recheck(Session ended) {
		ProviderSessions<?> provider = this.providers.find(ended.getProvider());
		String sessionId = ended.getSessionId();
		if (provider == null || sessionId == null) {
			return true;
		}
		ProviderOutcome<?> outcome = SessionTracker.call(() -> provider.status(ended.getScope(), sessionId));
		if (!(outcome instanceof ProviderOutcome.Confirmed<?> confirmed)) {
			// asked again once the row is due again
			return !(outcome instanceof ProviderOutcome.Failed<?> failed && failed.retryAfter() != null);
		}
		boolean live = !confirmed.facts().isOver();
		this.meters.compensationChecked(ended.getProvider(), true, live);
		Instant now = now();
		try {
			this.store.change(ended.getId(), (session, history) -> {
				session.rechecked(now);
				if (live && session.getStatus() == SessionStatus.ENDED && !session.heldForRepeatEnd()) {
					history.accept(session.foundLiveAfterEnd(now));
				}
				return true;
			});
			if (live) {
				log.warn("{} session row {} was live at the provider after its end was recorded (its create landed "
						+ "later): it is ended again", ended.getProvider(), ended.getId());
			}
		}
		catch (org.springframework.dao.DataIntegrityViolationException ex) {
			// the id is live in the ledger again: that row accounts for the session
			this.store.change(ended.getId(), (session, history) -> {
				session.rechecked(now);
				return true;
			});
		}
		return true;
	}

	private Instant now() {
		return this.clock.instant();
	}

}
