package dev.sessiongateway.durability;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import dev.sessiongateway.durability.PathorsStub.Held;
import dev.sessiongateway.durability.PathorsStub.Mode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway killed with SIGKILL at the points where a crash could lose track of a
 * session, each time restarted on the same database:
 * <ol>
 * <li>(b) at once after the provider's confirmation reached the caller as 201;</li>
 * <li>(a) after the intents were committed, while the creates are held at the provider
 * (which then creates the sessions: the dangerous case);</li>
 * <li>(c) while the background worker holds a claimed batch of ends open at the provider
 * (which carried out some of them and lost the others).</li>
 * </ol>
 * After each kill the ledger on disk must track every session live at the provider and
 * every session the caller was told exists; after the last restart settles, no row is
 * left OPENING or ENDING and the ACTIVE rows are exactly the sessions live at the
 * provider. Each ledger is printed.
 * <p>
 * On H2 the gateways use the database URL they ship with, relative to their working
 * directory under {@code target/durability}; {@code -Dcrash.h2-url=jdbc:h2:file:./...}
 * runs them on another URL (with {@code ;WRITE_DELAY=500} the kill at (b) loses the
 * confirmed session).
 */
class CrashSafetyTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	/** Where the database URL the gateway ships with puts the H2 file. */
	private static final String SHIPPED_H2_FILE = "jdbc:h2:file:./data/session-gateway";

	private static final String PROJECT = "proj-crash";

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	private static final Duration HELD_WITHIN = Duration.ofSeconds(60);

	private static final Duration SETTLED_WITHIN = Duration.ofSeconds(90);

	private static final List<String> HELD_CREATES = List.of("a1", "a2", "a3", "a4");

	/** The ends of these the provider carried out before the gateway died. */
	private static final Set<String> ENDED_BEFORE_THE_KILL = Set.of("a1", "a3");

	@Test
	void onTheShippedH2FileAKillAtAnyPointLosesNoSessionAndLeavesNoOrphan() throws Exception {
		Path directory = WORK.resolve("crash-h2-" + System.currentTimeMillis());
		Map<String, String> database = new LinkedHashMap<>();
		String url = System.getProperty("crash.h2-url");
		if (url != null) {
			database.put("spring.datasource.url", url);
		}
		String file = ((url != null) ? url : SHIPPED_H2_FILE).split(";")[0];
		assertThat(file).as("an H2 file URL").startsWith("jdbc:h2:file:");
		Path path = directory.resolve(file.substring("jdbc:h2:file:".length())).normalize();
		String ledgerUrl = "jdbc:h2:file:" + path + ";IFEXISTS=TRUE";
		killAtEachPoint((url != null) ? "H2 " + url : "H2 as shipped", directory, database,
				() -> Ledger.read(ledgerUrl, "sa"));
	}

	@Test
	void onPostgresAKillAtAnyPointLosesNoSessionAndLeavesNoOrphan() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			Map<String, String> database = Map.of("spring.datasource.url", url, "spring.datasource.username",
					"postgres");
			killAtEachPoint("PostgreSQL", WORK.resolve("crash-postgres-" + System.currentTimeMillis()), database,
					() -> Ledger.read(url, "postgres"));
		}
	}

	private void killAtEachPoint(String database, Path directory, Map<String, String> datasource, LedgerSource ledger)
			throws Exception {
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			Run run = new Run(database, stub, gateways, settings(stub, datasource), ledger);
			try {
				run.killRightAfterTheAnswer();
				Instant intents = run.killWhileCreatesAreHeld();
				run.killWhileClaimedEndsAreHeld(intents);
				run.settle();
			}
			catch (Throwable failure) {
				gateways.printOutput();
				throw failure;
			}
		}
	}

	/** One chain of kills and restarts on one database, against one provider stub. */
	private static final class Run {

		private final String database;

		private final PathorsStub stub;

		private final Gateways gateways;

		private final Map<String, String> settings;

		private final LedgerSource ledger;

		/** Every session a caller was told exists (none of them is ended here). */
		private final Set<String> confirmed = new TreeSet<>();

		private int started;

		/** When the worker's claimed ends were held at the provider. */
		private long claimedAt;

		Run(String database, PathorsStub stub, Gateways gateways, Map<String, String> settings, LedgerSource ledger) {
			this.database = database;
			this.stub = stub;
			this.gateways = gateways;
			this.settings = settings;
			this.ledger = ledger;
		}

		/** (b): two sessions, then a third whose 201 is followed by SIGKILL at once. */
		void killRightAfterTheAnswer() throws Exception {
			GatewayProcess gateway = start();
			for (String id : List.of("s1", "s2")) {
				assertThat(gateway.open(PROJECT, id)).as("the open of %s", id).isEqualTo(201);
				this.confirmed.add(id);
			}
			int created = gateway.open(PROJECT, "b1");
			long answeredAt = System.nanoTime();
			long killedAfter = Duration.ofNanos(gateway.kill() - answeredAt).toMillis();
			assertThat(created).as("the open of b1").isEqualTo(201);
			this.confirmed.add("b1");
			Ledger b = ledger("(b) SIGKILL sent " + killedAfter + " ms after the 201 for b1 reached the caller");
			assertNothingLost(b);
		}

		/**
		 * (a): four creates held at the provider, the gateway killed, then the provider
		 * creates them all.
		 * @return a moment after the four intents were committed
		 */
		Instant killWhileCreatesAreHeld() throws Exception {
			GatewayProcess gateway = start();
			this.stub.creates(Mode.HOLD);
			List<CompletableFuture<Integer>> answers = HELD_CREATES.stream()
				.map((id) -> gateway.openAsync(PROJECT, id))
				.toList();
			assertThat(this.stub.awaitHeld("create", HELD_CREATES.size(), HELD_WITHIN))
				.as("creates held at the provider")
				.hasSize(HELD_CREATES.size());
			Instant intents = Instant.now();
			gateway.kill();
			this.stub.release((call) -> true);
			this.stub.creates(Mode.ANSWER);
			assertThat(answers).allSatisfy((answer) -> assertThat(answer.join()).as("an answer").isEqualTo(-1));
			Ledger a = ledger("(a) killed while 4 creates were held; the provider then created them");
			assertNothingLost(a);
			assertThat(statuses(a, HELD_CREATES)).as("the held creates' rows").containsOnly("OPENING");
			return intents;
		}

		/**
		 * (c): once their opening timeout has passed, the first scan of the restarted
		 * gateway finds all four abandoned opens and queues their ends at once, so its
		 * worker claims them in one batch; the provider holds the four calls, the gateway
		 * is killed, and the provider turns out to have ended two of them.
		 */
		void killWhileClaimedEndsAreHeld(Instant intents) throws Exception {
			this.stub.ends(Mode.HOLD);
			awaitPast(intents.plus(GatewayProcess.SHORTEST_LEASE).plusMillis(500));
			GatewayProcess gateway = start();
			List<Held> ends = this.stub.awaitHeld("end", HELD_CREATES.size(), HELD_WITHIN);
			this.claimedAt = System.nanoTime();
			gateway.kill();
			assertThat(ends).as("the claimed ends held at the provider")
				.extracting(Held::sessionId)
				.containsExactlyInAnyOrderElementsOf(HELD_CREATES);
			this.stub.release((call) -> ENDED_BEFORE_THE_KILL.contains(call.sessionId()));
			this.stub.ends(Mode.ANSWER);
			Ledger c = ledger("(c) killed while the worker's batch of 4 ends was held; the provider ended "
					+ String.join(" and ", new TreeSet<>(ENDED_BEFORE_THE_KILL)));
			assertNothingLost(c);
			assertThat(statuses(c, HELD_CREATES)).as("the claimed rows").containsOnly("ENDING");
		}

		/**
		 * The last restart, left to settle what is left, then stopped. The ends claimed
		 * by the killed gateway are tried again once their lease has run out, not before:
		 * their creates could no longer land by then, so the provider is asked whether
		 * each session is still there, and one that is is ended again.
		 */
		void settle() throws Exception {
			GatewayProcess gateway = start();
			awaitSettled(gateway);
			gateway.stop();
			List<Duration> retriedAfter = HELD_CREATES.stream()
				.map((id) -> Duration.ofNanos(this.stub.lastCall(PROJECT, id) - this.claimedAt))
				.sorted()
				.toList();
			Ledger settled = ledger(
					"settled after the last restart; the ends claimed at (c) were tried again (read, or ended) "
							+ retriedAfter.getFirst().toMillis() + " to " + retriedAfter.getLast().toMillis()
							+ " ms after the claim (lease " + GatewayProcess.SHORTEST_LEASE.toMillis() + " ms)");
			assertNothingLost(settled);
			assertThat(settled.sessionIds("OPENING", "ENDING")).as("rows left OPENING or ENDING").isEmpty();
			assertThat(settled.sessionIds("ACTIVE")).as("ACTIVE rows")
				.isEqualTo(this.stub.live(PROJECT))
				.isEqualTo(this.confirmed);
			assertThat(HELD_CREATES).allSatisfy((id) -> assertThat(settled.of(id)).singleElement()
				.satisfies((row) -> assertThat(row.status() + " " + row.endReason()).as("row of %s", id)
					.isEqualTo("ENDED COMPENSATION")));
			// the claim was recorded before the calls went out; a second of slack for
			// that
			assertThat(retriedAfter).as("claimed ends tried again after")
				.allSatisfy((after) -> assertThat(after)
					.isGreaterThanOrEqualTo(GatewayProcess.SHORTEST_LEASE.minusSeconds(1)));
		}

		private GatewayProcess start() throws InterruptedException {
			this.started++;
			return this.gateways.start("g" + this.started, this.settings).awaitReady(READY_WITHIN);
		}

		/** The ledger as the database holds it, printed. */
		private Ledger ledger(String point) throws SQLException {
			Ledger ledger = this.ledger.read();
			System.out.println(ledger.print(this.database + ": " + point, this.stub.live(PROJECT)));
			return ledger;
		}

		/**
		 * Every session live at the provider has a live row, and every session a caller
		 * was told exists is ACTIVE.
		 */
		private void assertNothingLost(Ledger ledger) {
			assertThat(ledger.liveSessionIds()).as("sessions with a live row").containsAll(this.stub.live(PROJECT));
			assertThat(ledger.sessionIds("ACTIVE")).as("ACTIVE rows").containsAll(this.confirmed);
		}

	}

	private static List<String> statuses(Ledger ledger, List<String> sessionIds) {
		return sessionIds.stream().flatMap((id) -> ledger.of(id).stream()).map(Ledger.Row::status).toList();
	}

	/** Waits until no row is OPENING or ENDING, as the gateway's ops stats count them. */
	private static void awaitSettled(GatewayProcess gateway) throws Exception {
		long deadline = System.nanoTime() + SETTLED_WITHIN.toNanos();
		Map<String, Long> live = gateway.liveCounts();
		while ((live.containsKey("OPENING") || live.containsKey("ENDING")) && deadline - System.nanoTime() > 0) {
			Thread.sleep(200);
			live = gateway.liveCounts();
		}
		assertThat(live).as("live rows by status %s after the restart", SETTLED_WITHIN)
			.doesNotContainKeys("OPENING", "ENDING");
	}

	private static void awaitPast(Instant instant) throws InterruptedException {
		Duration left = Duration.between(Instant.now(), instant);
		if (!left.isNegative()) {
			Thread.sleep(left);
		}
	}

	private static Map<String, String> settings(PathorsStub stub, Map<String, String> datasource) {
		Map<String, String> settings = GatewayProcess.settings(stub.baseUrl(0));
		settings.putAll(datasource);
		settings.put("gateway.sessions.worker.scan-interval", "1s");
		settings.put("gateway.sessions.worker.min-backoff", "200ms");
		settings.put("gateway.sessions.worker.max-backoff", "2s");
		return settings;
	}

	@FunctionalInterface
	private interface LedgerSource {

		Ledger read() throws SQLException;

	}

}
