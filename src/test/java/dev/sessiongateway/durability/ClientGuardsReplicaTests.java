package dev.sessiongateway.durability;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards against callers on two gateway JVMs sharing one embedded PostgreSQL, each
 * with a Pathors port of its own: a client's live cap holds exactly however its opens are
 * spread over the replicas, also while opens and ends interleave; and two replicas end a
 * lease's 1,000 sessions when it expires, each session once. The figures are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientGuardsReplicaTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CAPPED_KEY = "capped-durability-key-not-real";

	private static final int MAX_LIVE = 50;

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	private EmbeddedPostgres postgres;

	private PathorsStub stub;

	private Gateways gateways;

	private List<GatewayProcess> replicas;

	private String url;

	@BeforeAll
	void replicas() throws Exception {
		this.postgres = EmbeddedPostgres.builder().start();
		this.stub = PathorsStub.start(2);
		this.gateways = new Gateways(WORK.resolve("guards-" + System.currentTimeMillis()));
		this.url = this.postgres.getJdbcUrl("postgres", "postgres");
		try {
			// the first replica lays out the schema; the second starts on it
			GatewayProcess first = this.gateways.start("replica-1", settings(0)).awaitReady(READY_WITHIN);
			GatewayProcess second = this.gateways.start("replica-2", settings(1)).awaitReady(READY_WITHIN);
			this.replicas = List.of(first, second);
		}
		catch (Throwable failure) {
			this.gateways.printOutput();
			throw failure;
		}
	}

	@AfterAll
	void stop() throws Exception {
		this.gateways.close();
		this.stub.close();
		this.postgres.close();
	}

	private Map<String, String> settings(int replica) {
		Map<String, String> settings = GatewayProcess.settings(this.stub.baseUrl(replica));
		settings.put("spring.datasource.url", this.url);
		settings.put("spring.datasource.username", "postgres");
		settings.put("gateway.clients[1].name", "capped");
		settings.put("gateway.clients[1].key-sha256", GatewayProcess.sha256(CAPPED_KEY));
		settings.put("gateway.clients[1].roles", "sessions");
		settings.put("gateway.clients[1].pathors-projects", "*");
		settings.put("gateway.clients[1].limits.pathors.max-live", String.valueOf(MAX_LIVE));
		return settings;
	}

	private CompletableFuture<HttpResponse<String>> open(int replica, String project, String sessionId) {
		return this.replicas.get(replica)
			.sendAsync("POST", "/pathors/v1/projects/" + project + "/sessions", CAPPED_KEY,
					"{\"session_id\":\"" + sessionId + "\"}", Map.of());
	}

	private HttpResponse<String> end(int replica, String project, String sessionId) {
		return this.replicas.get(replica)
			.send("DELETE", "/pathors/v1/projects/" + project + "/sessions", CAPPED_KEY,
					"{\"session_id\":\"" + sessionId + "\"}", Map.of());
	}

	/** Ends what the capped client left live, so that each test starts at no session. */
	@AfterEach
	void endCappedSessions() throws SQLException {
		for (String project : List.of("proj-cap", "proj-mix")) {
			for (String id : this.stub.live(project)) {
				assertThat(end(0, project, id).statusCode()).isEqualTo(200);
			}
		}
		assertThat(storedLive()).isZero();
	}

	@Test
	void twoHundredOpensOverTwoReplicasAgainstALiveCapOfFiftyAdmitExactlyFifty() throws Exception {
		String project = "proj-cap";
		assertThat(storedLive()).as("live sessions of the client before").isZero();
		int createsBefore = this.stub.createCalls();
		this.stub.creates(PathorsStub.Mode.HOLD);
		try {
			List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, 200)
				.mapToObj((i) -> open(i % 2, project, "cap-%03d".formatted(i)))
				.toList();

			// fifty creates are held at the provider: every other open must be refused
			// while they are in flight
			List<PathorsStub.Held> held = this.stub.awaitHeld("create", MAX_LIVE, Duration.ofSeconds(60));
			assertThat(held).as("creates held at the provider").hasSize(MAX_LIVE);
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (answers.stream().filter(CompletableFuture::isDone).count() < 200 - MAX_LIVE
					&& deadline - System.nanoTime() > 0) {
				Thread.sleep(50);
			}
			List<HttpResponse<String>> refused = answers.stream()
				.filter(CompletableFuture::isDone)
				.map(CompletableFuture::join)
				.toList();
			assertThat(this.stub.awaitHeld("create", MAX_LIVE + 1, Duration.ofMillis(500)))
				.as("creates that reached the provider")
				.hasSize(MAX_LIVE);
			this.stub.release((call) -> true);
			List<HttpResponse<String>> all = answers.stream().map(CompletableFuture::join).toList();

			Map<Integer, Long> statuses = new TreeMap<>();
			all.forEach((answer) -> statuses.merge(answer.statusCode(), 1L, Long::sum));
			long live = count("select count(*) from tracked_session where client = 'capped' and status in "
					+ "('OPENING', 'ACTIVE', 'ENDING')");
			System.out.printf("""
					== 200 concurrent opens by one client with max-live %d, over two replicas on one PostgreSQL
					  answers                          %s
					  refused while %d creates were held %d
					  creates that reached the provider %d
					  sessions live in the ledger       %d (stored count %d)
					%n""", MAX_LIVE, statuses, MAX_LIVE, refused.size(), this.stub.createCalls() - createsBefore, live,
					storedLive());

			assertThat(refused).as("answers before the held creates were let go").hasSize(200 - MAX_LIVE);
			assertThat(refused).allSatisfy((answer) -> {
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
				JsonNode problem = JSON.readTree(answer.body());
				assertThat(problem.path("code").asString()).isEqualTo("SESSION_LIMIT_REACHED");
				assertThat(problem.path("current").asInt()).isEqualTo(MAX_LIVE);
				assertThat(problem.path("cap").asInt()).isEqualTo(MAX_LIVE);
				assertThat(answer.headers().firstValue("RateLimit-Policy"))
					.hasValue("\"live\";q=" + MAX_LIVE + ";qu=\"concurrent-requests\"");
				assertThat(answer.headers().firstValue("RateLimit")).hasValue("\"live\";r=0");
			});
			assertThat(statuses).containsEntry(201, (long) MAX_LIVE).containsEntry(429, 200L - MAX_LIVE);
			assertThat(this.stub.createCalls() - createsBefore).as("creates the provider saw").isEqualTo(MAX_LIVE);
			assertThat(this.stub.live(project)).hasSize(MAX_LIVE);
			assertThat(live).isEqualTo(MAX_LIVE);
			assertThat(storedLive()).as("the stored count").isEqualTo(live);
		}
		catch (Throwable failure) {
			this.gateways.printOutput();
			throw failure;
		}
		finally {
			this.stub.creates(PathorsStub.Mode.ANSWER);
			this.stub.release((call) -> false);
		}
	}

	@Test
	void opensAndEndsInterleavedOverTwoReplicasKeepTheCountExact() throws Exception {
		String project = "proj-mix";
		assertThat(storedLive()).as("live sessions of the client before").isZero();
		int workers = 16;
		int operationsEach = 40;
		Set<String> opened = ConcurrentHashMap.newKeySet();
		AtomicInteger ids = new AtomicInteger();
		Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> running = new ArrayList<>();
			for (int w = 0; w < workers; w++) {
				SplittableRandom random = new SplittableRandom(7_919L * (w + 1));
				running.add(threads.submit(() -> {
					for (int i = 0; i < operationsEach; i++) {
						int replica = random.nextInt(2);
						String ending = opened.stream()
							.skip(opened.isEmpty() ? 0 : random.nextInt(opened.size()))
							.findFirst()
							.orElse(null);
						if (ending != null && random.nextInt(100) < 30 && opened.remove(ending)) {
							int status = end(replica, project, ending).statusCode();
							outcomes.computeIfAbsent("end " + status, (k) -> new AtomicInteger()).incrementAndGet();
						}
						else {
							String id = "mix-%04d".formatted(ids.incrementAndGet());
							int status = open(replica, project, id).join().statusCode();
							outcomes.computeIfAbsent("open " + status, (k) -> new AtomicInteger()).incrementAndGet();
							if (status == 201) {
								opened.add(id);
							}
						}
					}
					return null;
				}));
			}
			for (Future<?> run : running) {
				run.get();
			}
		}
		catch (Throwable failure) {
			this.gateways.printOutput();
			throw failure;
		}
		long live = count("select count(*) from tracked_session where client = 'capped' and status in "
				+ "('OPENING', 'ACTIVE', 'ENDING')");
		System.out.printf("""
				== %d opens and ends interleaved by one client with max-live %d, over two replicas
				  outcomes                          %s
				  most live at the provider at once %d
				  live in the ledger %d, stored count %d, live at the provider %d
				%n""", workers * operationsEach, MAX_LIVE, new TreeMap<>(outcomes), this.stub.mostLive(project), live,
				storedLive(), this.stub.live(project).size());

		assertThat(outcomes).containsKeys("open 201", "open 429", "end 200");
		assertThat(outcomes.keySet()).as("no other answer").containsOnly("open 201", "open 429", "end 200");
		assertThat(storedLive()).as("the stored count against a recount").isEqualTo(live);
		assertThat(live).isEqualTo(this.stub.live(project).size()).isLessThanOrEqualTo(MAX_LIVE);
		assertThat(this.stub.mostLive(project)).as("most live at the provider at once").isLessThanOrEqualTo(MAX_LIVE);
		assertThat(opened).hasSize(Math.toIntExact(live));
	}

	@Test
	void twoReplicasEndAnExpiredLeasesThousandSessionsEachOnce() throws Exception {
		String project = "proj-lease";
		int sessions = 1_000;
		HttpResponse<String> granted = this.replicas.get(0)
			.send("POST", "/leases", GatewayProcess.CLIENT_KEY, "{\"ttl\":\"10s\"}", Map.of());
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
		JsonNode lease = JSON.readTree(granted.body());
		Instant expiresAt = Instant.parse(lease.path("expiresAt").asString());
		List<String> ids = IntStream.range(0, sessions).mapToObj("l%04d"::formatted).toList();
		this.stub.live(project, ids);
		int endsBefore = this.stub.endCalls();
		int[] endsBeforeByReplica = { this.stub.endCalls(0), this.stub.endCalls(1) };
		attach(project, ids, lease.path("id").asString());
		assertThat(Instant.now()).as("the sessions were recorded before the lease expired").isBefore(expiresAt);

		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		long live = sessions;
		while (live > 0 && deadline - System.nanoTime() > 0) {
			Thread.sleep(250);
			live = count("select count(*) from tracked_session where scope = '" + project + "' and status <> 'ENDED'");
		}
		long expired = count("select count(*) from tracked_session where scope = '" + project
				+ "' and status = 'ENDED' and end_reason = 'LEASE_EXPIRED'");
		String state = JSON
			.readTree(this.replicas.get(1)
				.send("GET", "/leases/" + lease.path("id").asString(), GatewayProcess.CLIENT_KEY, null, Map.of())
				.body())
			.path("state")
			.asString();
		int ends = this.stub.endCalls() - endsBefore;
		System.out.printf("""
				== a lease with %d sessions expires on two replicas on one PostgreSQL
				  ENDED (LEASE_EXPIRED)     %d of %d, the lease %s
				  end calls at the provider %d (replica-1 %d, replica-2 %d); ends of one id at once: %d overlaps
				  ends after the provider had answered 200: %d; still live at the provider: %d
				%n""", sessions, expired, sessions, state, ends, this.stub.endCalls(0) - endsBeforeByReplica[0],
				this.stub.endCalls(1) - endsBeforeByReplica[1], this.stub.overlaps(), this.stub.repeatedEnds(),
				this.stub.live(project).size());

		assertThat(expired).as("sessions ended for the expired lease").isEqualTo(sessions);
		assertThat(ends).as("end calls at the provider: one per session").isEqualTo(sessions);
		assertThat(this.stub.overlaps()).as("ends of one session in flight at once").isZero();
		assertThat(this.stub.repeatedEnds()).as("sessions ended twice").isZero();
		assertThat(this.stub.live(project)).isEmpty();
		assertThat(this.stub.endCalls(0) - endsBeforeByReplica[0]).as("ends from replica-1").isPositive();
		assertThat(this.stub.endCalls(1) - endsBeforeByReplica[1]).as("ends from replica-2").isPositive();
		assertThat(state).isEqualTo("DONE");
	}

	/** Records sessions ACTIVE on the lease, in one transaction, as its opens would. */
	private void attach(String project, List<String> ids, String lease) throws SQLException {
		try (Connection connection = DriverManager.getConnection(this.url, "postgres", "")) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("""
					insert into tracked_session (provider, scope, session_id, live_key, status, client,
					    created_at, updated_at, lease_id, attempts)
					values ('pathors', ?, ?, ?, 'ACTIVE', 'durability', now(), now(), ?, 0)
					""")) {
				for (String id : ids) {
					insert.setString(1, project);
					insert.setString(2, id);
					insert.setString(3, "pathors:" + project.length() + ":" + project + ":" + id);
					insert.setString(4, lease);
					insert.addBatch();
				}
				insert.executeBatch();
			}
			connection.commit();
		}
	}

	private long storedLive() throws SQLException {
		return count("select coalesce(sum(live), 0) from client_usage where client = 'capped'");
	}

	private long count(String query) throws SQLException {
		try (Connection connection = DriverManager.getConnection(this.url, "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

}
