package dev.sessiongateway.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the session table and the tracker guarantee, on whichever database a subclass
 * runs. Each state change commits on its own, so the tests run outside a test
 * transaction.
 */
@DataJpaTest
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Import({ SessionTracker.class, TrackerTestConfiguration.class })
abstract class SessionTrackingContract {

	@Autowired
	SessionTracker tracker;

	@Autowired
	SessionRepository sessions;

	@Autowired
	SessionTransitionRepository transitions;

	@Autowired
	JdbcTemplate jdbc;

	@BeforeEach
	void empty() {
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
	}

	private long active(String sessionId) {
		long id = this.tracker.beginOpen("pathors", "proj-a", sessionId, "svc");
		this.tracker.confirmOpen(id, null, "pw", null);
		return id;
	}

	@Test
	void migrationsCreatedTheSchema() {
		Integer applied = this.jdbc
			.queryForObject("select count(*) from \"flyway_schema_history\" where \"success\" = true", Integer.class);
		assertThat(applied).isGreaterThanOrEqualTo(1);
	}

	@Test
	void aSecondLiveSessionWithTheSameKeyIsRefused() {
		active("s-1");

		assertThatExceptionOfType(SessionAlreadyActiveException.class)
			.isThrownBy(() -> this.tracker.beginOpen("pathors", "proj-a", "s-1", "svc"));
		assertThat(this.sessions.count()).isEqualTo(1);
	}

	@Test
	void theSameIdInAnotherScopeOrProviderIsAnotherSession() {
		active("s-1");
		this.tracker.beginOpen("pathors", "proj-b", "s-1", "svc");
		this.tracker.beginOpen("konpro", "proj-a", "s-1", "svc");

		assertThat(this.sessions.count()).isEqualTo(3);
	}

	@Test
	void anEndedIdMayBeOpenedAgainAndBothRowsAreKept() {
		active("s-1");
		this.tracker.end(new SessionKey("pathors", "proj-a", "s-1"), "svc", EndReason.CLIENT,
				() -> EndAttempt.confirmed("ok"));

		active("s-1");

		assertThat(this.sessions.findAll()).extracting(Session::getStatus)
			.containsExactlyInAnyOrder(SessionStatus.ENDED, SessionStatus.ACTIVE);
	}

	@Test
	void manySessionsMayWaitForTheirIdAtOnce() {
		this.tracker.beginOpen("konpro", "acct", null, "svc");
		this.tracker.beginOpen("konpro", "acct", null, "svc");

		assertThat(this.sessions.count()).isEqualTo(2);
	}

	@Test
	void anIdTheProviderHandsOutAgainEndsTheOlderSessionAndTracksTheNewOne() {
		long older = this.tracker.beginOpen("konpro", "acct", null, "svc");
		this.tracker.confirmOpen(older, "ws-1", null, null);
		long newer = this.tracker.beginOpen("konpro", "acct", null, "svc");

		this.tracker.confirmOpen(newer, "ws-1", null, null);

		assertThat(this.sessions.findById(older).orElseThrow().getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(this.sessions.findById(older).orElseThrow().getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		assertThat(this.sessions.findById(newer).orElseThrow().getStatus()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void concurrentOpensOfOneIdLetExactlyOneThrough() throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Boolean>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
			for (int i = 0; i < 20; i++) {
				results.add(pool.submit(() -> {
					start.await();
					try {
						this.tracker.beginOpen("pathors", "proj-a", "race", "svc");
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
	}

	@Test
	void anUnconfirmedEndStaysEndingWithItsAttemptsAndError() {
		long id = active("s-1");

		EndResult<String> result = this.tracker.end(new SessionKey("pathors", "proj-a", "s-1"), "svc", EndReason.CLIENT,
				() -> EndAttempt.failed(new IllegalStateException("provider down")));

		assertThat(result).isInstanceOf(EndResult.Pending.class);
		Session session = this.sessions.findById(id).orElseThrow();
		assertThat(session.getStatus()).isEqualTo(SessionStatus.ENDING);
		assertThat(session.getAttempts()).isEqualTo(2);
		assertThat(session.getLastError()).isEqualTo("provider down");
		assertThat(session.getNextAttemptAt()).isAfter(session.getUpdatedAt().minusSeconds(1));
	}

	@Test
	void historyRecordsEveryTransitionInOrder() {
		long id = active("s-1");
		this.tracker.end(new SessionKey("pathors", "proj-a", "s-1"), "ops-person", EndReason.OPS,
				() -> EndAttempt.confirmed("ok"));

		List<SessionTransition> history = this.transitions.historyOf(id);

		assertThat(history).extracting(SessionTransition::getToStatus)
			.containsExactly(SessionStatus.OPENING, SessionStatus.ACTIVE, SessionStatus.ENDING, SessionStatus.ENDED);
		assertThat(history.get(2).getActor()).isEqualTo("ops-person");
		assertThat(history.get(3).getReason()).isEqualTo(EndReason.OPS);
	}

	@Test
	void statsQueriesRunOnThisDatabase() {
		active("s-1");
		active("s-2");
		long failed = this.tracker.beginOpen("pathors", "proj-a", "s-3", "svc");
		this.tracker.failOpen(failed, "no");

		List<SessionCount> counts = this.sessions.countByProviderScopeAndStatus(List.copyOf(SessionStatus.LIVE));

		assertThat(counts).containsExactly(new SessionCount("pathors", "proj-a", SessionStatus.ACTIVE, 2));
		assertThat(this.sessions.oldestActiveCreatedAt()).isNotNull();
		assertThat(this.sessions.countByStatus(SessionStatus.FAILED)).isEqualTo(1);
	}

	@Test
	void longIdsAndErrorsFitTheColumns() {
		String longId = "x".repeat(256);
		long id = this.tracker.beginOpen("pathors", "p".repeat(128), longId, "svc");
		this.tracker.failOpen(id, "e".repeat(5000));

		Session session = this.sessions.findById(id).orElseThrow();
		assertThat(session.getSessionId()).isEqualTo(longId);
		assertThat(session.getLastError()).hasSize(Session.MAX_ERROR_LENGTH);
	}

}
