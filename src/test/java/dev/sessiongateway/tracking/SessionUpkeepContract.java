package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.sessiongateway.tracking.FakeProvider.Fault;
import dev.sessiongateway.tracking.FakeProvider.Op;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What background work does to the ledger, on whichever database a subclass runs: time is
 * moved with the test clock, never slept.
 */
abstract class SessionUpkeepContract extends LedgerTestSupport {

	private static final Duration LEASE = Duration.ofMinutes(2);

	@Autowired
	PlatformTransactionManager transactionManager;

	private long open(String scope, String sessionId) {
		this.tracker.open(this.provider, new OpenIntent(scope, sessionId, new byte[0]), "svc");
		return this.sessions.findByLiveKey(new SessionKey("fake", scope, sessionId).liveKey()).orElseThrow().getId();
	}

	private long openWithEndPending(String scope, String sessionId) {
		long id = open(scope, sessionId);
		this.provider.faults((op, key) -> (op == Op.END) ? Fault.UNREACHABLE : Fault.NONE);
		EndResult<String> result = this.tracker.end(this.provider, new SessionKey("fake", scope, sessionId), "svc",
				EndReason.CLIENT);
		assertThat(result).isInstanceOf(EndResult.Pending.class);
		return id;
	}

	private Session row(long id) {
		return this.sessions.findById(id).orElseThrow();
	}

	private double counter(String name, String... tags) {
		var counter = this.meters.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void aPendingEndIsClaimedWhenDueAndEndedOnceTheProviderIsBack() {
		long id = openWithEndPending("p", "s-1");
		assertThat(row(id).getAttempts()).isEqualTo(1);
		assertThat(this.upkeep.claimDueEnds(10, LEASE)).as("not due before its backoff").isEmpty();

		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));
		List<EndClaim> claims = this.upkeep.claimDueEnds(10, LEASE);
		assertThat(claims).singleElement().satisfies((claim) -> {
			assertThat(claim.id()).isEqualTo(id);
			assertThat(claim.attempts()).isEqualTo(2);
		});
		assertThat(this.upkeep.attempt(claims.get(0))).isEqualTo(EndAttempt.RETRY);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(this.provider.isLive("p", "s-1")).isTrue();

		this.provider.faults((op, key) -> Fault.NONE);
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));
		claims = this.upkeep.claimDueEnds(10, LEASE);
		assertThat(this.upkeep.attempt(claims.get(0))).isEqualTo(EndAttempt.ENDED);

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.CLIENT);
		assertThat(this.provider.live()).isEmpty();
		assertThat(row(id).getAttempts()).as("every end call is counted").isEqualTo(this.provider.calls(Op.END));
	}

	@Test
	void aClaimedRowIsNotClaimedAgainUntilItsLeaseRunsOut() {
		long id = openWithEndPending("p", "s-1");
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));

		assertThat(this.upkeep.claimDueEnds(10, LEASE)).hasSize(1);
		assertThat(this.upkeep.claimDueEnds(10, LEASE)).as("claimed, lease running").isEmpty();

		this.clock.advance(LEASE.plusSeconds(1));
		assertThat(this.upkeep.claimDueEnds(10, LEASE)).as("the claimer never came back")
			.singleElement()
			.satisfies((claim) -> assertThat(claim.id()).isEqualTo(id));
	}

	@Test
	void aClaimSkipsRowsAnotherTransactionHoldsInsteadOfWaitingForThem() throws Exception {
		long held = openWithEndPending("p", "s-1");
		long free = openWithEndPending("p", "s-2");
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (ExecutorService other = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<?> holder = other
				.submit(() -> new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
					this.jdbc.queryForList("select id from tracked_session where id = ? for update", held);
					locked.countDown();
					try {
						release.await(30, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}));
			assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

			List<EndClaim> claims = this.upkeep.claimDueEnds(10, LEASE);

			release.countDown();
			holder.get(30, TimeUnit.SECONDS);
			assertThat(claims).extracting(EndClaim::id).containsExactly(free);
		}
		assertThat(this.upkeep.claimDueEnds(10, LEASE)).extracting(EndClaim::id).containsExactly(held);
	}

	@Test
	void aProviderSignalDuringAClaimedAttemptWaitsForThatAttemptsAnswer() {
		long id = openWithEndPending("p", "s-1");
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));
		EndClaim claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> {
			if (op == Op.END) {
				gate.pass();
			}
		}).faults((op, key) -> Fault.NONE);
		try (ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<EndAttempt> attempt = worker.submit(() -> this.upkeep.attempt(claim));
			gate.awaitArrival();
			this.provider.endOnItsOwn("p", "s-1");
			this.tracker.endedAtProvider(new SessionKey("fake", "p", "s-1"), this.clock.instant(),
					EndReason.PROVIDER_ENDED);
			assertThat(row(id).getStatus()).as("the call in flight settles the row").isEqualTo(SessionStatus.ENDING);
			gate.open();
			assertThat(attempt.get(30, TimeUnit.SECONDS)).isEqualTo(EndAttempt.ENDED);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(row(id).getNextAttemptAt()).isNull();
	}

	@Test
	void aFailedClaimedAttemptIsNotRecordedOverAnotherPartysChangeToTheRow() {
		long id = openWithEndPending("p", "s-1");
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));
		EndClaim claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		Session claimed = row(id);
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> {
			if (op == Op.END) {
				gate.pass();
			}
		}).faults((op, key) -> (op == Op.END) ? Fault.UNREACHABLE : Fault.NONE);
		try (ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<EndAttempt> attempt = worker.submit(() -> this.upkeep.attempt(claim));
			gate.awaitArrival();
			assertThat(this.tracker.end(this.provider, new SessionKey("fake", "p", "s-1"), "svc", EndReason.CLIENT))
				.as("no second call beside the claimed one")
				.isInstanceOf(EndResult.Pending.class);
			gate.open();
			assertThat(attempt.get(30, TimeUnit.SECONDS)).isEqualTo(EndAttempt.LEFT);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		assertThat(this.provider.calls(Op.END)).isEqualTo(2);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row(id).getAttempts()).isEqualTo(claimed.getAttempts());
		assertThat(row(id).getNextAttemptAt()).as("due again once the claim's lease is over")
			.isEqualTo(claimed.getNextAttemptAt());
	}

	@Test
	void anEndInFlightInLineIsNotClaimedUntilItsCallCouldHaveComeBack() {
		long id = open("p", "s-1");
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> {
			if (op == Op.END) {
				gate.pass();
			}
		});
		try (ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<EndResult<String>> end = caller.submit(
					() -> this.tracker.end(this.provider, new SessionKey("fake", "p", "s-1"), "svc", EndReason.CLIENT));
			gate.awaitArrival();
			try {
				assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDING);
				assertThat(this.upkeep.claimDueEnds(10, LEASE)).as("the in-line call is in flight").isEmpty();

				this.clock.advance(this.provider.longestCall().plusMillis(1));
				assertThat(this.upkeep.claimDueEnds(10, LEASE)).as("an in-line call that never came back")
					.extracting(EndClaim::id)
					.containsExactly(id);
			}
			finally {
				gate.open();
			}
			assertThat(end.get(30, TimeUnit.SECONDS)).isInstanceOf(EndResult.Answered.class);
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void anEndStillFailingPastItsDeadlineIsFlaggedOnceAndKeepsBeingTried() {
		// the meters outlive a test: other tests of this context flag ends too
		double flaggedBefore = counter("gateway.sessions.end.flagged", "provider", "fake");
		long id = openWithEndPending("p", "s-1");
		Duration deadline = Duration.ofMinutes(30);

		this.clock.advance(deadline.minusMinutes(1));
		EndClaim claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).isEqualTo(EndAttempt.RETRY);
		assertThat(row(id).getFlaggedAt()).isNull();

		this.clock.advance(Duration.ofMinutes(2));
		claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).isEqualTo(EndAttempt.FLAGGED);
		Session flagged = row(id);
		assertThat(flagged.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(flagged.getFlaggedAt()).isNotNull();
		assertThat(flagged.getLastError()).startsWith("end overdue, needs a human");
		assertThat(counter("gateway.sessions.end.flagged", "provider", "fake") - flaggedBefore).isEqualTo(1);

		this.clock.advance(Duration.ofMinutes(1));
		claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).as("flagged once").isEqualTo(EndAttempt.RETRY);
		assertThat(counter("gateway.sessions.end.flagged", "provider", "fake") - flaggedBefore).isEqualTo(1);

		this.provider.faults((op, key) -> Fault.NONE);
		this.clock.advance(Duration.ofMinutes(1));
		claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).isEqualTo(EndAttempt.ENDED);
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void theDeadlineCountsFromWhenTheEndBeganNotFromTheLastChange() {
		long id = openWithEndPending("p", "s-1");
		Instant endingSince = row(id).getEndingSince();
		// joins and failed attempts change the row, not when its end began
		for (int i = 0; i < 4; i++) {
			this.clock.advance(Duration.ofMinutes(10));
			this.tracker.end(this.provider, new SessionKey("fake", "p", "s-1"), "svc", EndReason.CLIENT);
		}
		assertThat(row(id).getEndingSince()).isEqualTo(endingSince);
		assertThat(row(id).getFlaggedAt()).as("40 minutes after the end began").isNotNull();
	}

	@Test
	void openingRowsLeftByAStoppedGatewayAreSettledAfterTheOpeningTimeout() {
		this.provider.makeLive("p", "crashed");
		long withId = this.store
			.insertOpening("fake", "p", "crashed", "svc", this.clock.instant(), this.provider.longestCall(),
					OpenTerms.NONE)
			.getId();
		long withoutId = this.store
			.insertOpening("fake", "p", null, "svc", this.clock.instant(), this.provider.longestCall(), OpenTerms.NONE)
			.getId();
		this.clock.advance(Duration.ofMinutes(1));
		long young = this.store
			.insertOpening("fake", "p", "young", "svc", this.clock.instant(), this.provider.longestCall(),
					OpenTerms.NONE)
			.getId();

		assertThat(this.upkeep.recoverAbandonedOpens(Duration.ofMinutes(2), 100)).isZero();
		this.clock.advance(Duration.ofMinutes(1).plusSeconds(30));
		assertThat(this.upkeep.recoverAbandonedOpens(Duration.ofMinutes(2), 100)).isEqualTo(2);

		assertThat(row(withId).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row(withId).getEndReason()).isEqualTo(EndReason.COMPENSATION);
		assertThat(row(withoutId).getStatus()).isEqualTo(SessionStatus.FAILED);
		assertThat(row(withoutId).getLastError()).contains("outcome unknown");
		assertThat(row(young).getStatus()).isEqualTo(SessionStatus.OPENING);
		assertThat(counter("gateway.sessions.open.abandoned", "action", "compensate")).isEqualTo(1);
		assertThat(counter("gateway.sessions.open.abandoned", "action", "failed")).isEqualTo(1);

		EndClaim claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).isEqualTo(EndAttempt.ENDED);
		assertThat(this.provider.isLive("p", "crashed")).isFalse();
	}

	@Test
	void activeSessionsOlderThanTheMaximumAgeAreEndedThroughTheDurablePath() {
		long old = open("p", "old");
		this.clock.advance(Duration.ofHours(2));
		long fresh = open("p", "fresh");
		this.clock.advance(Duration.ofMinutes(61));

		assertThat(this.upkeep.endOverAge("other-provider", Duration.ofHours(2), 100)).isZero();
		assertThat(this.upkeep.endOverAge("fake", Duration.ofHours(4), 100)).isZero();
		assertThat(this.upkeep.endOverAge("fake", Duration.ofHours(2), 100)).isEqualTo(1);

		assertThat(row(old).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row(old).getEndReason()).isEqualTo(EndReason.EXPIRED_TTL);
		assertThat(row(fresh).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		EndClaim claim = this.upkeep.claimDueEnds(10, LEASE).get(0);
		assertThat(this.upkeep.attempt(claim)).isEqualTo(EndAttempt.ENDED);
		assertThat(row(old).getEndReason()).isEqualTo(EndReason.EXPIRED_TTL);
		assertThat(this.provider.live()).containsExactly("p/fresh");
	}

	@Test
	void sessionsPastTheirProviderExpiryBecomeExpiredWithoutAProviderCall() {
		long expiring = open("p", "expiring");
		long noExpiry = open("p", "no-expiry");
		this.jdbc.update("update tracked_session set expires_at = ? where id = ?",
				this.clock.instant().plus(Duration.ofMinutes(10)).atOffset(java.time.ZoneOffset.UTC), expiring);
		int calls = this.provider.calls();

		assertThat(this.upkeep.expirePastExpiry(100)).isZero();
		this.clock.advance(Duration.ofMinutes(11));
		assertThat(this.upkeep.expirePastExpiry(100)).isEqualTo(1);

		assertThat(row(expiring).getStatus()).isEqualTo(SessionStatus.EXPIRED);
		assertThat(row(expiring).getEndedAt()).isNotNull();
		assertThat(row(noExpiry).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.calls()).isEqualTo(calls);
		// the id is free again: the provider let the session go
		this.provider.endOnItsOwn("p", "expiring");
		open("p", "expiring");
	}

	@Test
	void everyHistoryEntryNamesItsActor() {
		long confirmedInLine = open("p", "in-line");
		this.tracker.end(this.provider, new SessionKey("fake", "p", "in-line"), "svc", EndReason.CLIENT);
		long confirmedLater = openWithEndPending("p", "later");
		this.provider.faults((op, key) -> Fault.NONE);
		this.clock.advance(Duration.ofMinutes(1));
		this.upkeep.attempt(this.upkeep.claimDueEnds(10, LEASE).get(0));
		long byWebhook = open("p", "webhook");
		this.tracker.endedAtProvider(new SessionKey("fake", "p", "webhook"), this.clock.instant(),
				EndReason.PROVIDER_ENDED);
		long gone = open("p", "gone");
		this.provider.endOnItsOwn("p", "gone");
		this.tracker.status(this.provider, new SessionKey("fake", "p", "gone"));
		this.provider.faults((op, key) -> (op == Op.END) ? Fault.REFUSED : Fault.NONE);
		this.tracker.end(this.provider, new SessionKey("fake", "p", "never-opened"), "svc", EndReason.CLIENT);
		this.provider.faults((op, key) -> Fault.NONE);
		long expiring = open("p", "expiring");
		this.jdbc.update("update tracked_session set expires_at = ? where id = ?",
				this.clock.instant().atOffset(java.time.ZoneOffset.UTC), expiring);
		this.clock.advance(Duration.ofMinutes(1));
		this.upkeep.expirePastExpiry(100);
		this.provider.faults((op, key) -> (op == Op.OPEN) ? Fault.REFUSED : Fault.NONE);
		this.tracker.open(this.provider, new OpenIntent("p", "refused", new byte[0]), "svc");

		assertThat(this.jdbc.queryForList("select session_ref, to_status from session_transition where actor is null"))
			.as("history entries without an actor")
			.isEmpty();
		assertThat(lastActor(confirmedInLine)).as("an end the provider confirmed at once").isEqualTo("fake");
		assertThat(lastActor(confirmedLater)).as("an end the provider confirmed to background work").isEqualTo("fake");
		assertThat(lastActor(byWebhook)).isEqualTo("fake webhook");
		assertThat(lastActor(gone)).as("a 404 on a read").isEqualTo("fake");
		long untracked = this.sessions.findAll()
			.stream()
			.filter((session) -> "never-opened".equals(session.getSessionId()))
			.findFirst()
			.orElseThrow()
			.getId();
		assertThat(this.transitions.historyOf(untracked)).extracting(HistoryEntry::actor)
			.as("an untracked end the provider refused")
			.containsExactly("svc", "fake");
		assertThat(lastActor(expiring)).isEqualTo("gateway");
	}

	private String lastActor(long id) {
		return this.transitions.historyOf(id).getLast().actor();
	}

	@Test
	void historyPastItsRetentionIsPurgedInBatchesAndLiveRowsAreKept() {
		for (int i = 0; i < 5; i++) {
			open("p", "ended-" + i);
			this.tracker.end(this.provider, new SessionKey("fake", "p", "ended-" + i), "svc", EndReason.CLIENT);
		}
		long live = open("p", "live");
		this.clock.advance(Duration.ofDays(10));
		long recent = open("p", "recent");
		this.tracker.end(this.provider, new SessionKey("fake", "p", "recent"), "svc", EndReason.CLIENT);
		this.clock.advance(Duration.ofDays(21));

		assertThat(this.upkeep.purge(Duration.ofDays(30), 2)).as("one batch").isEqualTo(2);
		assertThat(this.upkeep.purge(Duration.ofDays(30), 2)).isEqualTo(2);
		assertThat(this.upkeep.purge(Duration.ofDays(30), 2)).isEqualTo(1);
		assertThat(this.upkeep.purge(Duration.ofDays(30), 2)).isZero();

		assertThat(this.sessions.findAll()).extracting(Session::getId).containsExactlyInAnyOrder(live, recent);
		Integer orphans = this.jdbc.queryForObject(
				"select count(*) from session_transition where session_ref not in (select id from tracked_session)",
				Integer.class);
		assertThat(orphans).isZero();
	}

	@Test
	void reconciliationAsksTheLongestUncheckedSessionsAndRecordsWhatTheProviderSays() {
		long gone = open("p", "gone");
		long alive = open("p", "alive");
		long later = open("p", "later");
		this.provider.endOnItsOwn("p", "gone");
		this.clock.advance(Duration.ofMinutes(5));
		assertThat(this.upkeep.reconcile(Duration.ofHours(1), 10)).as("checked too recently").isZero();
		assertThat(this.provider.calls(Op.STATUS)).isZero();

		this.clock.advance(Duration.ofHours(1));
		assertThat(this.upkeep.reconcile(Duration.ofHours(1), 2)).isEqualTo(1);
		assertThat(this.provider.calls(Op.STATUS)).as("bounded per round").isEqualTo(2);
		assertThat(row(gone).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(gone).getEndReason()).isEqualTo(EndReason.PROVIDER_GONE);
		assertThat(row(alive).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(row(alive).getLastCheckedAt()).isAfter(row(later).getLastCheckedAt());

		assertThat(this.upkeep.reconcile(Duration.ofHours(1), 2)).isZero();
		assertThat(this.provider.calls(Op.STATUS)).as("only the one left unchecked").isEqualTo(3);
		assertThat(row(later).getStatus()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void reconciliationStopsAtTheFirstCallTheRequestBudgetHoldsBack() {
		open("p", "a");
		open("p", "b");
		open("p", "c");
		this.clock.advance(Duration.ofHours(2));
		this.provider.faults((op, key) -> Fault.UNREACHABLE);
		// an unreachable provider is not a spent budget: the round goes on
		this.upkeep.reconcile(Duration.ofHours(1), 2);
		assertThat(this.provider.calls(Op.STATUS)).isEqualTo(2);

		this.clock.advance(Duration.ofHours(2));
		this.provider.faults((op, key) -> Fault.LIMITED);
		this.upkeep.reconcile(Duration.ofHours(1), 10);
		assertThat(this.provider.calls(Op.STATUS)).as("stopped at the first held-back call").isEqualTo(3);
	}

	/**
	 * A Pathors-like create of s-1 whose outcome was unknown, compensated and verified
	 * gone: the row is ENDED, due for one more check a window later.
	 */
	private long compensatedAndVerified() {
		this.provider.faults((op, key) -> (op == Op.OPEN) ? Fault.LANDS_LATE : Fault.NONE);
		try {
			this.tracker.open(this.provider, new OpenIntent("p", "s-1", new byte[0]), "svc");
		}
		catch (IllegalStateException ex) {
			// the create timed out
		}
		this.provider.faults((op, key) -> Fault.NONE);
		this.upkeep.claimDueEnds(10, LEASE).forEach(this.upkeep::attempt);
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
		this.upkeep.claimDueEnds(10, LEASE).forEach(this.upkeep::attempt);
		Session row = this.sessions.findAll().getFirst();
		assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row.getNextAttemptAt()).as("one more check, a window later")
			.isEqualTo(row.getEndedAt().plus(TrackerTestConfiguration.VERIFY_AFTER));
		return row.getId();
	}

	@Test
	void reconciliationFindsACreateThatLandedAfterItsCompensationWasVerifiedAndEndsItAgain() {
		long id = compensatedAndVerified();
		int reads = this.provider.calls(Op.STATUS);
		// a provider slower than the window: the create lands later still
		this.provider.landLateCreates();
		this.upkeep.reconcile(Duration.ofHours(1), 10);
		assertThat(this.provider.calls(Op.STATUS)).as("not due yet").isEqualTo(reads);

		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
		double foundLive = rechecks("live");
		this.upkeep.reconcile(Duration.ofHours(1), 10);

		assertThat(rechecks("live")).isEqualTo(foundLive + 1);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.COMPENSATION);
		assertThat(this.transitions.historyOf(id)).last()
			.satisfies((step) -> assertThat(step.from()).isEqualTo(SessionStatus.ENDED))
			.extracting(HistoryEntry::detail)
			.asString()
			.startsWith("still live at fake after its end was recorded");
		this.upkeep.claimDueEnds(10, LEASE).forEach(this.upkeep::attempt);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.provider.live()).as("leaked").isEmpty();
		assertThat(row(id).getNextAttemptAt()).as("checked once more only").isNull();
	}

	private double rechecks(String outcome) {
		return counter("gateway.sessions.compensation.checks", "provider", "fake", "check", "recheck", "outcome",
				outcome);
	}

	@Test
	void aRecheckThatFindsTheSessionGoneRecordsTheCheckAndIsNotDueAgain() {
		long id = compensatedAndVerified();
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
		double foundGone = rechecks("gone");

		this.upkeep.reconcile(Duration.ofHours(1), 10);

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getNextAttemptAt()).isNull();
		assertThat(rechecks("gone")).isEqualTo(foundGone + 1);
	}

	@Test
	void aRecheckLeavesAnIdOpenedAgainToItsLiveRow() {
		long id = compensatedAndVerified();
		long reopened = open("p", "s-1");
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
		int ends = this.provider.calls(Op.END);

		this.upkeep.reconcile(Duration.ofHours(1), 10);

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getNextAttemptAt()).isNull();
		assertThat(row(reopened).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.calls(Op.END)).isEqualTo(ends);
		assertThat(this.provider.isLive("p", "s-1")).isTrue();
	}

}
