package dev.sessiongateway.durability;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways on one PostgreSQL, each with a provider port of its own, drain a backlog
 * of pending ends from a provider that fails about 30% of end calls with 503: every
 * session ends, no session is ended by both replicas at once, the provider is called no
 * more often than the ledger counts attempts, and both replicas take part. The figures
 * are printed.
 */
class ReplicaDrainTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final String PROJECT = "proj-drain";

	private static final int BACKLOG = 1_000;

	private static final double FAILING_SHARE = 0.3;

	private static final long SEED = 20_251_123L;

	/** How long the stub takes to answer an end: ends of one id in flight can overlap. */
	private static final Duration END_LATENCY = Duration.ofMillis(5);

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	private static final Duration DRAINED_WITHIN = Duration.ofSeconds(120);

	@Test
	void twoReplicasEndEveryPendingSessionEachByOneReplicaAtATime() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				PathorsStub stub = PathorsStub.start(2);
				Gateways gateways = new Gateways(WORK.resolve("replicas-" + System.currentTimeMillis()))) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			try {
				// the first replica lays out the schema; the second starts on it
				gateways.start("replica-1", settings(stub, 0, url)).awaitReady(READY_WITHIN);
				gateways.start("replica-2", settings(stub, 1, url)).awaitReady(READY_WITHIN);
				List<String> ids = IntStream.range(0, BACKLOG).mapToObj("r%04d"::formatted).toList();
				stub.live(PROJECT, ids);
				stub.flakyEnds(FAILING_SHARE, SEED, END_LATENCY);

				long began = System.nanoTime();
				insertPendingEnds(url, ids);
				int pending = awaitDrained(url);
				Duration took = Duration.ofNanos(System.nanoTime() - began);

				Map<String, Long> rows = count(url);
				long attempts = rows.get("attempts");
				System.out.printf("""
						== two replicas on one PostgreSQL, %d pending ends, ~%d%% of end calls answered 503 (seed %d)
						  rows ENDED                     %d of %d (%d not ENDED), drained in %d ms
						  attempts counted in the ledger %d (most for one row: %d)
						  end calls at the provider      %d (replica-1 %d, replica-2 %d)
						  answers                        %s
						  ends of one id in flight at once: most %d, overlaps %d
						  ends after the provider had answered 200 for that id: %d
						  sessions still live at the provider: %d
						%n""", BACKLOG, Math.round(FAILING_SHARE * 100), SEED, rows.get("ended"), BACKLOG, pending,
						took.toMillis(), attempts, rows.get("most"), stub.endCalls(), stub.endCalls(0),
						stub.endCalls(1), stub.endAnswers(), stub.maxInFlight(), stub.overlaps(), stub.repeatedEnds(),
						stub.live(PROJECT).size());

				assertThat(pending).as("rows not ENDED after %s", DRAINED_WITHIN).isZero();
				assertThat(rows.get("ended")).as("rows ENDED").isEqualTo(BACKLOG);
				assertThat(stub.live(PROJECT)).as("sessions live at the provider").isEmpty();
				assertThat(stub.overlaps()).as("ends of one session in flight at once").isZero();
				assertThat(stub.endCalls()).as("end calls at the provider")
					.isGreaterThanOrEqualTo(BACKLOG)
					.isLessThanOrEqualTo(Math.toIntExact(attempts));
				assertThat(stub.endAnswers()).as("answers to ends").containsKey(503);
				assertThat(stub.endCalls(0)).as("end calls from replica-1").isPositive();
				assertThat(stub.endCalls(1)).as("end calls from replica-2").isPositive();
				assertThat(stub.unauthorized()).as("calls without the key").isZero();
			}
			catch (Throwable failure) {
				gateways.printOutput();
				throw failure;
			}
		}
	}

	private static Map<String, String> settings(PathorsStub stub, int replica, String url) {
		Map<String, String> settings = GatewayProcess.settings(stub.baseUrl(replica));
		settings.put("spring.datasource.url", url);
		settings.put("spring.datasource.username", "postgres");
		settings.put("gateway.sessions.worker.min-backoff", "100ms");
		settings.put("gateway.sessions.worker.max-backoff", "1s");
		settings.put("gateway.pathors.circuit-open-for", "1s");
		return settings;
	}

	/**
	 * Ends a caller asked for and the provider did not confirm yet: ENDING, due now, in
	 * one transaction, so that both replicas find them at once.
	 */
	private static void insertPendingEnds(String url, List<String> ids) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "")) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("""
					insert into tracked_session (provider, scope, session_id, live_key, status, client,
					    created_at, updated_at, next_attempt_at, ending_since, last_checked_at, end_reason, attempts)
					values ('pathors', ?, ?, ?, 'ENDING', 'durability', now(), now(), now(), now(), now(), 'CLIENT', 0)
					""")) {
				for (String id : ids) {
					insert.setString(1, PROJECT);
					insert.setString(2, id);
					insert.setString(3, "pathors:" + PROJECT.length() + ":" + PROJECT + ":" + id);
					insert.addBatch();
				}
				insert.executeBatch();
			}
			connection.commit();
		}
	}

	/** Waits until every row is ENDED; how many are not. */
	private static int awaitDrained(String url) throws Exception {
		long deadline = System.nanoTime() + DRAINED_WITHIN.toNanos();
		int pending = pending(url);
		while (pending > 0 && deadline - System.nanoTime() > 0) {
			Thread.sleep(250);
			pending = pending(url);
		}
		return pending;
	}

	private static int pending(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select count(*) from tracked_session where status <> 'ENDED'")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Map<String, Long> count(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("""
						select count(*) filter (where status = 'ENDED'), coalesce(sum(attempts), 0),
						    coalesce(max(attempts), 0)
						from tracked_session""")) {
			result.next();
			return Map.of("ended", result.getLong(1), "attempts", result.getLong(2), "most", result.getLong(3));
		}
	}

}
