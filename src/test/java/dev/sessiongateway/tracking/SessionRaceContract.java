package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Races and faults the ledger must survive, driven deterministically: a {@link Gate}
 * holds one party inside its provider call while another acts. Each test compares the
 * ledger with what the provider holds, not only what the calls answered.
 */
abstract class SessionRaceContract extends LedgerTestSupport {

	static final String SCOPE = "proj-a";

	/**
	 * One thread per party: the common pool may have a single thread on a small machine.
	 */
	static final ExecutorService PARTIES = Executors.newVirtualThreadPerTaskExecutor();

	static SessionKey key(String sessionId) {
		return new SessionKey("fake", SCOPE, sessionId);
	}

	static OpenIntent intent(String sessionId) {
		return new OpenIntent(SCOPE, sessionId, new byte[0]);
	}

	long open(String sessionId) {
		this.tracker.open(this.provider, intent(sessionId), "svc");
		return live(sessionId).orElseThrow().getId();
	}

	Optional<Session> live(String sessionId) {
		return this.sessions.findByLiveKey(key(sessionId).liveKey());
	}

	Session row(long id) {
		return this.sessions.findById(id).orElseThrow();
	}

	/** Holds the first call of {@code op} at the gate; later calls pass. */
	Gate holdFirst(FakeProvider.Op op) {
		Gate gate = new Gate();
		AtomicInteger seen = new AtomicInteger();
		this.provider.beforeCall((called) -> {
			if (called == op && seen.incrementAndGet() == 1) {
				gate.pass();
			}
		});
		return gate;
	}

	double count(String counter) {
		var found = this.meters.find(counter).tag("provider", "fake").counter();
		return (found != null) ? found.count() : 0;
	}

	/** A party ending session s-1 on a thread of its own. */
	CompletableFuture<EndResult<String>> endInBackground(String actor, EndReason reason) {
		return CompletableFuture.supplyAsync(() -> this.tracker.end(this.provider, key("s-1"), actor, reason), PARTIES);
	}

	static <T> T result(CompletableFuture<T> future) throws Exception {
		return future.get(30, TimeUnit.SECONDS);
	}

	// Defect 1: the outcome commit fails after the provider said yes.

	@Test
	void aConfirmedCreateThatCannotBeRecordedIsLeftForCompensationNotOpeningForever() {
		this.provider.beforeCall((op) -> this.transactions.failNext(1));

		assertThatExceptionOfType(TrackingUnavailableException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));

		Session row = live("s-1").orElseThrow();
		assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row.getEndReason()).isEqualTo(EndReason.COMPENSATION);
		assertThat(this.provider.isLive(SCOPE, "s-1")).as("the provider did create it").isTrue();
		this.provider.beforeCall((op) -> {
		});
		endDueInBackground();
		assertThat(this.provider.isLive(SCOPE, "s-1")).isFalse();
		assertThat(row(row.getId()).getStatus()).isEqualTo(SessionStatus.ENDED);
		open("s-1");
		assertThat(this.provider.isLive(SCOPE, "s-1")).as("the id is free again").isTrue();
	}

	@Test
	void confirmedFactsTheDatabaseRefusesLeaveTheSessionForCompensationAndTouchNoOtherRow() {
		long other = open("other");
		FakeProvider oversized = new FakeProvider("fake") {
			@Override
			public ProviderOutcome<String> open(OpenIntent intent) {
				return new ProviderOutcome.Confirmed<>("ok", SessionFacts.alive("k-2", "p".repeat(300), null));
			}
		};

		assertThatExceptionOfType(TrackingUnavailableException.class)
			.isThrownBy(() -> this.tracker.open(oversized, new OpenIntent(SCOPE, null, new byte[0]), "svc"));

		Session row = live("k-2").orElseThrow();
		assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row.getEndReason()).isEqualTo(EndReason.COMPENSATION);
		assertThat(row(other).getStatus()).isEqualTo(SessionStatus.ACTIVE);
	}

	// Defect 7: not every integrity violation is a duplicate.

	@Test
	void anIntentTheDatabaseRefusesForAnotherReasonIsNotCalledADuplicate() {
		assertThatExceptionOfType(TrackingUnavailableException.class).isThrownBy(
				() -> this.tracker.open(this.provider, new OpenIntent("p".repeat(129), "s-1", new byte[0]), "svc"));
		assertThat(this.provider.calls()).isZero();
	}

	// Defect 2: lost-update losers.

	@Test
	void aWebhookLandingWhileAClientEndIsInFlightLeavesNoLoserWithAnError() throws Exception {
		long id = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> end = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		assertThat(this.tracker.endedAtProvider(key("s-1"), Instant.now(), EndReason.PROVIDER_ENDED)).isTrue();
		gate.open();

		assertThat(result(end)).isInstanceOf(EndResult.Answered.class);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void aSecondEndWhileAnEndCallIsInFlightSendsNoSecondCall() throws Exception {
		long id = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> first = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		EndResult<String> second = this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		gate.open();

		assertThat(second).isInstanceOf(EndResult.Pending.class);
		assertThat(result(first)).isInstanceOf(EndResult.Answered.class);
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(1);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.transitions.historyOf(id)).extracting(HistoryEntry::to)
			.containsExactly(SessionStatus.OPENING, SessionStatus.ACTIVE, SessionStatus.ENDING, SessionStatus.ENDED);
	}

	// A provider cannot tell two sessions opened under one id apart: an end call still in
	// flight when the id is opened again would end the new session.

	@Test
	void anEndCallStillInFlightWhenTheProviderSignalsTheEndCannotEndTheSessionOpenedAgain() throws Exception {
		long first = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> end = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		this.tracker.endedAtProvider(key("s-1"), Instant.now(), EndReason.PROVIDER_ENDED);
		assertThat(row(first).getStatus()).as("the end call in flight settles the row").isEqualTo(SessionStatus.ENDING);
		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		gate.open();
		assertThat(result(end)).isInstanceOf(EndResult.Answered.class);
		long second = open("s-1");

		assertThat(row(first).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(first).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.isLive(SCOPE, "s-1")).as("the reopened session lives at the provider").isTrue();
	}

	@Test
	void aJoinedEndCannotSendALateCallThatEndsTheSessionOpenedAgain() throws Exception {
		long first = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> end = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();
		CompletableFuture<EndResult<String>> joined = endInBackground("ops", EndReason.OPS);
		assertThat(result(joined)).isInstanceOf(EndResult.Pending.class);

		gate.open();
		assertThat(result(end)).isInstanceOf(EndResult.Answered.class);
		long second = open("s-1");

		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(1);
		assertThat(row(first).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.isLive(SCOPE, "s-1")).isTrue();
	}

	@Test
	void anOpsForceEndRacingAClientEndEndsTheRowOnce() throws Exception {
		long id = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> client = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		Optional<EndResult<?>> ops = this.tracker.endRow(id, "ops:person", EndReason.OPS);
		gate.open();

		assertThat(ops).containsInstanceOf(EndResult.Pending.class);
		assertThat(result(client)).isInstanceOf(EndResult.Answered.class);
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(1);
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void aChangeThatLosesTheRaceIsRunAgainOnAFreshRead() throws Exception {
		long id = open("s-1");
		AtomicInteger runs = new AtomicInteger();

		SessionStatus seen = this.store.change(id, (session, history) -> {
			if (runs.incrementAndGet() == 1) {
				// Another replica ends the row on its own connection after this change
				// read it, before it writes (a unit never waits for another ledger change
				// of this process: they share one writer).
				CompletableFuture.runAsync(() -> this.jdbc.update("""
						update tracked_session set status = 'ENDED', live_key = null, end_reason = 'PROVIDER_ENDED',
						ended_at = ?, updated_at = ?, version = version + 1 where id = ?""",
						SessionStore.at(Instant.now()), SessionStore.at(Instant.now()), id), PARTIES)
					.join();
			}
			if (session.getStatus() == SessionStatus.ACTIVE) {
				history.accept(session.requestEnd(EndReason.CLIENT, "svc", Instant.now()));
			}
			return session.getStatus();
		});

		assertThat(runs.get()).isEqualTo(2);
		assertThat(seen).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
	}

	@Test
	void aChangeOnARowThisFlowHoldsThatAnotherPartyChangedRunsAgainOnAFreshRead() {
		long id = open("s-1");
		Session held = row(id);
		this.jdbc.update("""
				update tracked_session set status = 'ENDED', live_key = null, end_reason = 'PROVIDER_ENDED',
				ended_at = ?, updated_at = ?, version = version + 1 where id = ?""", SessionStore.at(Instant.now()),
				SessionStore.at(Instant.now()), id);
		AtomicInteger runs = new AtomicInteger();

		SessionStatus seen = this.store.change(held, (session, history) -> {
			runs.incrementAndGet();
			if (session.getStatus() == SessionStatus.ACTIVE) {
				history.accept(session.requestEnd(EndReason.CLIENT, "svc", Instant.now()));
			}
			return session.getStatus();
		});

		assertThat(runs).hasValue(2);
		assertThat(seen).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(this.transitions.historyOf(id)).extracting(HistoryEntry::to).doesNotContain(SessionStatus.ENDING);
	}

	// Defect 8: a refusal never undoes another party's end.

	@Test
	void aRefusalSeenByOnePartyDoesNotUndoAnEndAnotherPartyAskedFor() throws Exception {
		long id = open("s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		AtomicInteger ends = new AtomicInteger();
		this.provider.faults((op, key) -> (op == FakeProvider.Op.END && ends.incrementAndGet() == 1)
				? FakeProvider.Fault.REFUSED : FakeProvider.Fault.NONE);
		CompletableFuture<EndResult<String>> refused = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();
		CompletableFuture<EndResult<String>> asked = endInBackground("ops", EndReason.OPS);
		assertThat(result(asked)).isInstanceOf(EndResult.Pending.class);

		gate.open();
		assertThat(result(refused)).isEqualTo(new EndResult.Answered<>("refused end s-1"));
		assertThat(row(id).getStatus()).as("the other party's end stands").isEqualTo(SessionStatus.ENDING);
		this.clock.advance(this.provider.longestCall().plus(TrackerTestConfiguration.RETRY_DELAY));
		endDueInBackground();

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void aRefusalSeenByTheOnlyPartyLeavesTheSessionActive() {
		long id = open("s-1");
		this.provider
			.faults((op, key) -> (op == FakeProvider.Op.END) ? FakeProvider.Fault.REFUSED : FakeProvider.Fault.NONE);

		EndResult<String> result = this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);

		assertThat(result).isEqualTo(new EndResult.Answered<>("refused end s-1"));
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.isLive(SCOPE, "s-1")).isTrue();
	}

	// Defect 4: provider-side signals act on the row that was live when they happened.

	@Test
	void aLateWebhookDoesNotEndTheSessionOpenedAgainUnderItsId() {
		long first = open("s-1");
		Instant firstEndedAt = Instant.now();
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		long second = open("s-1");

		assertThat(this.tracker.endedAtProvider(key("s-1"), firstEndedAt, EndReason.PROVIDER_ENDED)).isTrue();

		assertThat(row(first).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		this.tracker.endedAtProvider(key("s-1"), Instant.now(), EndReason.PROVIDER_ENDED);
		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void aNotFoundAnswerSentBeforeAReopenDoesNotEndTheNewSession() throws Exception {
		long first = open("s-1");
		Gate gate = new Gate();
		CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> this.tracker.observe(key("s-1"), () -> {
			gate.pass();
			return new ProviderOutcome.Confirmed<>("404", SessionFacts.ended(EndReason.PROVIDER_GONE));
		}), PARTIES);
		gate.awaitArrival();
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		long second = open("s-1");

		gate.open();

		assertThat(result(read)).isEqualTo("404");
		assertThat(row(first).getEndReason()).isEqualTo(EndReason.CLIENT);
		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.isLive(SCOPE, "s-1")).isTrue();
	}

	@Test
	void anOpsForceEndActsOnExactlyTheRowItNames() {
		long first = open("s-1");
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		long second = open("s-1");
		int calls = this.provider.calls();

		assertThat(this.tracker.endRow(first, "ops:person", EndReason.OPS)).isEmpty();

		assertThat(row(second).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.calls()).isEqualTo(calls);
	}

	// Defect 5: an end while the session is opening.

	@Test
	void anEndAskedForWhileOpeningIsCarriedOutAsSoonAsTheOpenResolves() throws Exception {
		double untracked = count("gateway.sessions.untracked.ends");
		Gate gate = holdFirst(FakeProvider.Op.OPEN);
		CompletableFuture<String> opener = CompletableFuture
			.supplyAsync(() -> this.tracker.open(this.provider, intent("s-1"), "svc"), PARTIES);
		gate.awaitArrival();

		EndResult<String> end = this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		assertThat(end).isInstanceOf(EndResult.Pending.class);
		gate.open();

		assertThat(result(opener)).isEqualTo("opened s-1");
		Session row = this.sessions.findAll().getFirst();
		assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row.getEndReason()).isEqualTo(EndReason.CLIENT);
		assertThat(this.provider.live()).isEmpty();
		assertThat(count("gateway.sessions.untracked.ends")).isEqualTo(untracked);
	}

	@Test
	void endingAnEndedSessionAgainIsForwardedAndCountedAsARepeatNotUntracked() {
		open("s-1");
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		int calls = this.provider.calls();
		double repeats = count("gateway.sessions.repeat.ends");
		double untracked = count("gateway.sessions.untracked.ends");

		EndResult<String> again = this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);

		assertThat(again).isInstanceOf(EndResult.Answered.class);
		assertThat(this.provider.calls()).isEqualTo(calls + 1);
		assertThat(count("gateway.sessions.repeat.ends")).isEqualTo(repeats + 1);
		assertThat(count("gateway.sessions.untracked.ends")).isEqualTo(untracked);
	}

	@Test
	void anOpenOfAnIdWhoseUntrackedEndIsInFlightIsRefusedSoTheEndCannotEndTheNewSession() throws Exception {
		this.provider.makeLive(SCOPE, "s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> end = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		gate.open();

		assertThat(result(end)).isInstanceOf(EndResult.Answered.class);
		assertThat(this.provider.live()).isEmpty();
		assertThat(this.sessions.findAll()).extracting(Session::getStatus, Session::getEndReason)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(SessionStatus.ENDED, EndReason.UNTRACKED));
	}

	@Test
	void endingAnEndedSessionAgainIsRecordedInItsHistoryNotInASecondRow() {
		long id = open("s-1");
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		this.provider
			.faults((op, key) -> (op == FakeProvider.Op.END) ? FakeProvider.Fault.REFUSED : FakeProvider.Fault.NONE);

		EndResult<String> again = this.tracker.end(this.provider, key("s-1"), "svc-b", EndReason.CLIENT);

		assertThat(again).isEqualTo(new EndResult.Answered<>("refused end s-1"));
		assertThat(this.sessions.findAll()).singleElement().satisfies((row) -> {
			assertThat(row.getId()).isEqualTo(id);
			assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDED);
			assertThat(row.getEndReason()).isEqualTo(EndReason.CLIENT);
			assertThat(row.getLiveKey()).as("the id is free again").isNull();
		});
		assertThat(this.transitions.historyOf(id))
			.extracting(HistoryEntry::to, HistoryEntry::actor, HistoryEntry::detail)
			.endsWith(
					org.assertj.core.groups.Tuple.tuple(SessionStatus.ENDED, "svc-b",
							"end asked again: forwarded to fake"),
					org.assertj.core.groups.Tuple.tuple(SessionStatus.ENDED, "fake", "repeated end: fake refused it"));
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(2);
		open("s-1");
		assertThat(this.sessions.findAll()).hasSize(2);
	}

	@Test
	void anOpenWhileARepeatedEndIsInFlightIsRefusedSoTheEndCannotEndTheNewSession() throws Exception {
		long first = open("s-1");
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		this.provider.makeLive(SCOPE, "s-1");
		Gate gate = holdFirst(FakeProvider.Op.END);
		CompletableFuture<EndResult<String>> end = endInBackground("svc", EndReason.CLIENT);
		gate.awaitArrival();

		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		assertThat(this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT))
			.as("a third end while the second is in flight sends nothing")
			.isEqualTo(new EndResult.Settled<>("s-1", SessionStatus.ENDED));
		gate.open();

		assertThat(result(end)).isInstanceOf(EndResult.Answered.class);
		assertThat(this.provider.live()).isEmpty();
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(2);
		long second = open("s-1");
		assertThat(this.sessions.findAll()).extracting(Session::getId, Session::getStatus)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(first, SessionStatus.ENDED),
					org.assertj.core.groups.Tuple.tuple(second, SessionStatus.ACTIVE));
	}

	@Test
	void anIdHeldForARepeatedEndTheGatewayStoppedDuringIsFreedOnceThatEndCannotBeInFlight() {
		long id = open("s-1");
		this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);
		// the gateway stopped while the repeated end's call was in flight: the hold stays
		this.store.change(id, (session, history) -> {
			history.accept(session.holdForRepeatEnd("svc", this.clock.instant()));
			return true;
		});
		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));

		this.clock.advance(this.provider.longestCall().plusSeconds(1));

		long reopened = open("s-1");
		assertThat(row(id).getLiveKey()).isNull();
		assertThat(row(reopened).getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.transitions.historyOf(id)).last()
			.extracting(HistoryEntry::detail)
			.asString()
			.startsWith("repeated end: no answer recorded");
	}

	// A create that lands after its compensating end.

	/**
	 * Opens s-1 with a create the provider is still working on when the gateway gives up,
	 * and lets background work end it once: the provider confirms, although the create
	 * has not landed yet.
	 */
	long openLandingLateAndEndOnce() {
		this.provider.faults(
				(op, key) -> (op == FakeProvider.Op.OPEN) ? FakeProvider.Fault.LANDS_LATE : FakeProvider.Fault.NONE);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		Session row = live("s-1").orElseThrow();
		assertThat(row.getSettlesAt()).isEqualTo(row.getCreatedAt().plus(TrackerTestConfiguration.VERIFY_AFTER));
		List<EndClaim> claims = this.upkeep.claimDueEnds(10, this.provider.longestCall());
		assertThat(claims).singleElement().satisfies((claim) -> assertThat(claim.verifyFirst()).isFalse());
		assertThat(this.upkeep.attempt(claims.getFirst())).as("confirmed, but proves nothing yet")
			.isEqualTo(EndAttempt.VERIFY_LATER);
		return row.getId();
	}

	@Test
	void aCreateThatLandsAfterItsCompensatingEndIsFoundAndEndedBeforeTheRowIsEnded() {
		long id = openLandingLateAndEndOnce();
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row(id).getNextAttemptAt()).isEqualTo(row(id).getSettlesAt());
		assertThat(this.upkeep.claimDueEnds(10, this.provider.longestCall())).as("not due before it settles").isEmpty();
		assertThatExceptionOfType(SessionAlreadyActiveException.class).as("the id stays held while the create may land")
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		assertThat(this.tracker.status(this.provider, key("s-1"))).as("a read before it lands").startsWith("gone");
		assertThat(row(id).getStatus()).as("not finding it proves nothing yet").isEqualTo(SessionStatus.ENDING);

		double foundLive = lateCreatesFound();
		assertThat(this.provider.landLateCreates()).isEqualTo(1);
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
		List<EndClaim> claims = this.upkeep.claimDueEnds(10, this.provider.longestCall());
		assertThat(claims).singleElement().satisfies((claim) -> assertThat(claim.verifyFirst()).isTrue());
		assertThat(this.upkeep.attempt(claims.getFirst())).isEqualTo(EndAttempt.ENDED);

		assertThat(this.provider.live()).as("leaked").isEmpty();
		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.COMPENSATION);
		assertThat(this.provider.calls(FakeProvider.Op.STATUS)).isEqualTo(2);
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(2);
		assertThat(lateCreatesFound()).isEqualTo(foundLive + 1);
	}

	private double lateCreatesFound() {
		var found = this.meters.find("gateway.sessions.compensation.checks")
			.tags("provider", "fake", "check", "verify", "outcome", "live")
			.counter();
		return (found != null) ? found.count() : 0;
	}

	@Test
	void aCompensatedCreateThatNeverLandsIsEndedAfterOneCheckAndNoSecondEnd() {
		long id = openLandingLateAndEndOnce();
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);

		List<EndClaim> claims = this.upkeep.claimDueEnds(10, this.provider.longestCall());
		assertThat(this.upkeep.attempt(claims.getFirst())).isEqualTo(EndAttempt.ENDED);

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.provider.calls(FakeProvider.Op.END)).isEqualTo(1);
		assertThat(this.provider.calls(FakeProvider.Op.STATUS)).isEqualTo(1);
		assertThat(this.transitions.historyOf(id)).extracting(HistoryEntry::to)
			.containsExactly(SessionStatus.OPENING, SessionStatus.ENDING, SessionStatus.ENDING, SessionStatus.ENDED);
	}

	@Test
	void aCompensationFirstEndedAfterItSettledNeedsNoCheck() {
		this.provider.faults(
				(op, key) -> (op == FakeProvider.Op.OPEN) ? FakeProvider.Fault.LANDS_LATE : FakeProvider.Fault.NONE);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		long id = live("s-1").orElseThrow().getId();
		this.provider.landLateCreates();
		this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);

		EndResult<String> end = this.tracker.end(this.provider, key("s-1"), "svc", EndReason.CLIENT);

		assertThat(end).isInstanceOf(EndResult.Answered.class);
		assertThat(row(id).getStatus()).as("an end sent after the create could land settles it")
			.isEqualTo(SessionStatus.ENDED);
		assertThat(this.provider.live()).isEmpty();
	}

	// Uncertainty is never lost.

	@Test
	void aCreateWhoseAnswerWasLostIsEndedNotForgotten() {
		this.provider.faults(
				(op, key) -> (op == FakeProvider.Op.OPEN) ? FakeProvider.Fault.LOST_ANSWER : FakeProvider.Fault.NONE);

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, intent("s-1"), "svc"));

		Session row = live("s-1").orElseThrow();
		assertThat(row.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(row.getEndReason()).isEqualTo(EndReason.COMPENSATION);
		endDueInBackground();
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void everyInterleavingLeavesTheLedgerAgreeingWithTheProvider() throws Exception {
		List<String> report = new ArrayList<>();
		for (long seed = 1; seed <= 6; seed++) {
			empty();
			LedgerCheck.Outcome outcome = new LedgerCheck(this.tracker, this.upkeep, this.provider, this.sessions,
					this.transitions, this.clock, seed)
				.run();
			report.add(outcome.toString());
			assertThat(outcome.unexpected()).as("calls that would answer 500, seed " + seed).isEmpty();
			assertThat(outcome.leaked()).as("live at the provider, not live in the ledger, seed " + seed).isEmpty();
			assertThat(outcome.ghosts()).as("live in the ledger, gone at the provider, seed " + seed).isEmpty();
			assertThat(outcome.stuck()).as("rows left OPENING or ENDING, seed " + seed).isEmpty();
			assertThat(outcome.operations()).isGreaterThan(100);
		}
		System.out.println(String.join("\n", report));
	}

}
