package dev.sessiongateway.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the session table and the tracker guarantee, on whichever database a subclass
 * runs. Each state change commits on its own, so the tests run outside a test
 * transaction.
 */
abstract class SessionTrackingContract extends LedgerTestSupport {

	private long open(String scope, String sessionId) {
		this.tracker.open(this.provider, new OpenIntent(scope, sessionId, new byte[0]), "svc");
		return this.sessions.findByLiveKey(key(scope, sessionId).liveKey()).orElseThrow().getId();
	}

	private static SessionKey key(String scope, String sessionId) {
		return new SessionKey("fake", scope, sessionId);
	}

	private Session row(long id) {
		return this.sessions.findById(id).orElseThrow();
	}

	@Test
	void migrationsCreatedTheSchema() {
		Integer applied = this.jdbc
			.queryForObject("select count(*) from \"flyway_schema_history\" where \"success\" = true", Integer.class);
		assertThat(applied).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aSecondLiveSessionWithTheSameKeyIsRefusedWithoutCallingTheProvider() {
		open("proj-a", "s-1");
		int calls = this.provider.calls();

		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.open(this.provider, new OpenIntent("proj-a", "s-1", new byte[0]), "svc"));
		assertThat(this.sessions.count()).isEqualTo(1);
		assertThat(this.provider.calls()).isEqualTo(calls);
	}

	@Test
	void theSameIdInAnotherScopeIsAnotherSession() {
		open("proj-a", "s-1");
		open("proj-b", "s-1");

		assertThat(this.sessions.count()).isEqualTo(2);
	}

	@Test
	void anEndedIdMayBeOpenedAgainAndBothRowsAreKept() {
		open("proj-a", "s-1");
		this.tracker.end(this.provider, key("proj-a", "s-1"), "svc", EndReason.CLIENT);

		open("proj-a", "s-1");

		assertThat(this.sessions.findAll()).extracting(Session::getStatus)
			.containsExactlyInAnyOrder(SessionStatus.ENDED, SessionStatus.ACTIVE);
	}

	@Test
	void sessionsWhoseIdTheProviderChoosesAreTrackedUnderThatId() {
		this.tracker.open(this.provider, new OpenIntent("acct", null, new byte[0]), "svc");
		this.tracker.open(this.provider, new OpenIntent("acct", null, new byte[0]), "svc");

		assertThat(this.sessions.findAll()).extracting(Session::getSessionId, Session::getStatus)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("gen-1", SessionStatus.ACTIVE),
					org.assertj.core.groups.Tuple.tuple("gen-2", SessionStatus.ACTIVE));
	}

	@Test
	void anIdTheProviderHandsOutAgainEndsTheOlderSessionAndTracksTheNewOne() {
		long older = open("acct", "ws-1");
		FakeProvider reusing = new FakeProvider("fake") {
			@Override
			public ProviderOutcome<String> open(OpenIntent intent) {
				return new ProviderOutcome.Confirmed<>("again", SessionFacts.alive("ws-1", null, null));
			}
		};

		this.tracker.open(reusing, new OpenIntent("acct", null, new byte[0]), "svc");

		assertThat(row(older).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(older).getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(this.sessions.findByLiveKey(key("acct", "ws-1").liveKey()).orElseThrow().getStatus())
			.isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void concurrentOpensOfOneIdLetExactlyOneReachTheProvider() throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Boolean>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
			for (int i = 0; i < 20; i++) {
				results.add(pool.submit(() -> {
					start.await();
					try {
						this.tracker.open(this.provider, new OpenIntent("proj-a", "race", new byte[0]), "svc");
						return true;
					}
					catch (SessionAlreadyActiveException ex) {
						return false;
					}
				}));
			}
			start.countDown();
			int winners = 0;
			for (Future<Boolean> result : results) {
				winners += result.get() ? 1 : 0;
			}
			assertThat(winners).isEqualTo(1);
		}
		assertThat(this.sessions.count()).isEqualTo(1);
		assertThat(this.provider.calls()).isEqualTo(1);
	}

	@Test
	void anUnconfirmedEndIsTriedOnceAndStaysEndingDueForBackgroundWork() {
		long id = open("proj-a", "s-1");
		this.provider.faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		int before = this.provider.calls();

		EndResult<String> result = this.tracker.end(this.provider, key("proj-a", "s-1"), "svc", EndReason.CLIENT);

		assertThat(result).isInstanceOf(EndResult.Pending.class);
		assertThat(this.provider.calls() - before).as("one in-line attempt").isEqualTo(1);
		Session session = row(id);
		assertThat(session.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(session.getAttempts()).isEqualTo(1);
		assertThat(session.getLastError()).isEqualTo("provider unreachable");
		assertThat(session.getNextAttemptAt()).isAfter(session.getUpdatedAt());
	}

	@Test
	void aRetriedEndConfirmsAPendingOne() {
		long id = open("proj-a", "s-1");
		this.provider.faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		this.tracker.end(this.provider, key("proj-a", "s-1"), "svc", EndReason.CLIENT);
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		this.clock.advance(TrackerTestConfiguration.RETRY_DELAY.plusSeconds(1));

		endDueInBackground();

		assertThat(row(id).getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row(id).getEndReason()).isEqualTo(EndReason.CLIENT);
		assertThat(this.provider.live()).isEmpty();
	}

	@Test
	void historyRecordsEveryTransitionInOrder() {
		long id = open("proj-a", "s-1");
		this.tracker.end(this.provider, key("proj-a", "s-1"), "ops-person", EndReason.OPS);

		List<HistoryEntry> history = this.transitions.historyOf(id);

		assertThat(history).extracting(HistoryEntry::to)
			.containsExactly(SessionStatus.OPENING, SessionStatus.ACTIVE, SessionStatus.ENDING, SessionStatus.ENDED);
		assertThat(history.get(2).actor()).isEqualTo("ops-person");
		assertThat(history.get(3).reason()).isEqualTo(EndReason.OPS);
	}

	@Test
	void statsQueriesRunOnThisDatabase() {
		open("proj-a", "s-1");
		open("proj-a", "s-2");
		this.provider.faults((op, key) -> FakeProvider.Fault.REFUSED);
		this.tracker.open(this.provider, new OpenIntent("proj-a", "s-3", new byte[0]), "svc");

		List<SessionCount> counts = this.queries.liveCounts();

		assertThat(counts).containsExactly(new SessionCount("fake", "proj-a", SessionStatus.ACTIVE, 2));
		assertThat(this.queries.oldestActiveCreatedAt()).isNotNull();
		assertThat(this.queries.count(SessionStatus.FAILED)).isEqualTo(1);
	}

	@Test
	void longIdsAndErrorsFitTheColumns() {
		String longId = "x".repeat(256);
		this.provider.faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(
				() -> this.tracker.open(this.provider, new OpenIntent("p".repeat(128), longId, new byte[0]), "svc"));
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		long id = open("proj-a", "s-1");
		FakeProvider wordy = new FakeProvider("fake") {
			@Override
			public ProviderOutcome<String> end(String scope, String sessionId) {
				return new ProviderOutcome.Failed<>(new IllegalStateException("e".repeat(5000)), null);
			}
		};
		this.tracker.end(wordy, key("proj-a", "s-1"), "svc", EndReason.CLIENT);

		Session failed = this.sessions.findAll()
			.stream()
			.filter((s) -> s.getStatus() == SessionStatus.FAILED)
			.findFirst()
			.orElseThrow();
		assertThat(failed.getSessionId()).isEqualTo(longId);
		assertThat(row(id).getLastError()).hasSize(Session.MAX_ERROR_LENGTH);
	}

}
