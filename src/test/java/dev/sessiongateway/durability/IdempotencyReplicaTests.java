package dev.sessiongateway.durability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One {@code Idempotency-Key} sent at once to two gateway JVMs sharing one embedded
 * PostgreSQL, each with a Pathors port of its own: the provider sees one create while it
 * is held, every other request is told the first is in flight, and a retry on either
 * replica afterwards gets the first answer, which the other replica stored. At Konpro,
 * which chooses the session id (so that no session id stands between two creates), both
 * replicas are held inside the transaction that records the key until both have looked
 * for it and found nothing: the unique key alone lets one of them on. The figures are
 * printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotencyReplicaTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	private static final int REQUESTS = 12;

	private EmbeddedPostgres postgres;

	private PathorsStub stub;

	private Gateways gateways;

	private List<GatewayProcess> replicas;

	private String url;

	private HttpServer konpro;

	private final AtomicInteger konproCreates = new AtomicInteger();

	private volatile CountDownLatch konproAnswers = new CountDownLatch(0);

	@BeforeAll
	void replicas() throws Exception {
		this.postgres = EmbeddedPostgres.builder().start();
		this.stub = PathorsStub.start(2);
		this.konpro = konproStub();
		this.gateways = new Gateways(WORK.resolve("idempotency-" + System.currentTimeMillis()));
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
		this.konpro.stop(0);
		this.postgres.close();
	}

	private Map<String, String> settings(int replica) {
		Map<String, String> settings = GatewayProcess.settings(this.stub.baseUrl(replica));
		settings.put("spring.datasource.url", this.url);
		settings.put("spring.datasource.username", "postgres");
		// the same on every replica, as each must read the answers the others stored
		settings.put("gateway.idempotency.secret", "replica-idempotency-secret-not-a-real-one");
		settings.put("gateway.konpro.base-url", "http://127.0.0.1:" + this.konpro.getAddress().getPort());
		settings.put("gateway.clients[0].konpro", "true");
		// a cap far from reach, so that each open locks the client's count in its
		// transaction: the test holds that lock to line both replicas up
		settings.put("gateway.clients[0].limits.konpro.max-live", "1000");
		return settings;
	}

	/**
	 * A Konpro create endpoint that counts creates and answers each, with a session of
	 * its own, once {@link #konproAnswers} lets it.
	 */
	private HttpServer konproStub() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/v1/widget/sessions", (exchange) -> {
			int n = this.konproCreates.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			try {
				this.konproAnswers.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			byte[] body = ("{\"data\":{\"session_id\":\"ws_replica_" + n + "\",\"session_token\":\"tok_" + n
					+ "\",\"expires_in\":3600}}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(201, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		return server;
	}

	private CompletableFuture<HttpResponse<String>> openKonpro(int replica, @Nullable String key) {
		return this.replicas.get(replica)
			.sendAsync("POST", "/konpro/v1/widget/sessions", GatewayProcess.CLIENT_KEY,
					"{\"agentic_avatar_id\":\"av-replica\"}",
					(key != null) ? Map.of("Idempotency-Key", "\"" + key + "\"") : Map.of());
	}

	@Test
	void bothReplicasPastTheirLookForTheKeyAtOnceStillMakeOneKonproCreate() throws Exception {
		try {
			// each replica's first open of the client makes sure its count exists
			for (int replica = 0; replica < 2; replica++) {
				HttpResponse<String> warm = openKonpro(replica, null).join();
				assertThat(warm.statusCode()).as(warm.body()).isEqualTo(201);
			}
			int createsBefore = this.konproCreates.get();
			this.konproAnswers = new CountDownLatch(1);
			List<CompletableFuture<HttpResponse<String>>> answers;
			try (Connection held = DriverManager.getConnection(this.url, "postgres", "")) {
				held.setAutoCommit(false);
				try (Statement lock = held.createStatement()) {
					lock.executeQuery(
							"select live from client_usage where client = 'durability' and provider = 'konpro' for update");
				}
				answers = List.of(openKonpro(0, "raced"), openKonpro(1, "raced"));
				long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				while (count("select count(*) from pg_locks where not granted") < 2
						&& deadline - System.nanoTime() > 0) {
					Thread.sleep(20);
				}
				assertThat(count("select count(*) from pg_locks where not granted"))
					.as("opens waiting inside their transactions, past their look for the key")
					.isEqualTo(2);
				assertThat(count("select count(*) from idempotency_key where idem_key = 'raced'")).isZero();
				held.commit();
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (answers.stream().noneMatch(CompletableFuture::isDone) && this.konproCreates.get() - createsBefore < 2
					&& deadline - System.nanoTime() > 0) {
				Thread.sleep(20);
			}
			Thread.sleep(300);
			int createsWhileHeld = this.konproCreates.get() - createsBefore;
			List<HttpResponse<String>> early = answers.stream()
				.filter(CompletableFuture::isDone)
				.map(CompletableFuture::join)
				.toList();
			this.konproAnswers.countDown();
			List<HttpResponse<String>> all = answers.stream().map(CompletableFuture::join).toList();
			System.out.printf("""
					== one Idempotency-Key at Konpro on two replicas, both past their look for the key at once
					  answers (replica-1, replica-2) %d, %d
					  creates Konpro saw             %d
					%n""", all.get(0).statusCode(), all.get(1).statusCode(), createsWhileHeld);

			assertThat(createsWhileHeld).as("creates Konpro saw").isEqualTo(1);
			assertThat(early).as("the answer given while the first create was held").hasSize(1);
			assertThat(early.getFirst().statusCode()).as(early.getFirst().body()).isEqualTo(409);
			assertThat(JSON.readTree(early.getFirst().body()).path("code").asString())
				.isEqualTo("IDEMPOTENCY_KEY_IN_FLIGHT");
			assertThat(all).filteredOn((answer) -> answer.statusCode() == 201).hasSize(1);
			assertThat(this.konproCreates.get() - createsBefore).isEqualTo(1);
		}
		catch (Throwable failure) {
			this.gateways.printOutput();
			throw failure;
		}
		finally {
			this.konproAnswers.countDown();
		}
	}

	private CompletableFuture<HttpResponse<String>> open(int replica, String key) {
		return this.replicas.get(replica)
			.sendAsync("POST", "/pathors/v1/projects/proj-idem/sessions", GatewayProcess.CLIENT_KEY,
					"{\"session_id\":\"idem-1\"}", Map.of("Idempotency-Key", "\"" + key + "\""));
	}

	@Test
	void oneKeySentToTwoReplicasAtOnceMakesOneCreateAtTheProvider() throws Exception {
		int createsBefore = this.stub.createCalls();
		this.stub.creates(PathorsStub.Mode.HOLD);
		try {
			List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, REQUESTS)
				.mapToObj((i) -> open(i % 2, "replicas-1"))
				.toList();

			assertThat(this.stub.awaitHeld("create", 1, Duration.ofSeconds(60))).as("creates held at the provider")
				.hasSize(1);
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (answers.stream().filter(CompletableFuture::isDone).count() < REQUESTS - 1
					&& deadline - System.nanoTime() > 0) {
				Thread.sleep(50);
			}
			List<HttpResponse<String>> refused = answers.stream()
				.filter(CompletableFuture::isDone)
				.map(CompletableFuture::join)
				.toList();
			assertThat(this.stub.awaitHeld("create", 2, Duration.ofMillis(500))).as("creates that reached the provider")
				.hasSize(1);
			this.stub.release((call) -> true);
			List<HttpResponse<String>> all = answers.stream().map(CompletableFuture::join).toList();
			this.stub.creates(PathorsStub.Mode.ANSWER);
			HttpResponse<String> retryOne = open(0, "replicas-1").join();
			HttpResponse<String> retryTwo = open(1, "replicas-1").join();

			Map<Integer, Long> statuses = new TreeMap<>();
			all.forEach((answer) -> statuses.merge(answer.statusCode(), 1L, Long::sum));
			HttpResponse<String> created = all.stream()
				.filter((answer) -> answer.statusCode() == 201)
				.findFirst()
				.orElseThrow();
			int creates = this.stub.createCalls() - createsBefore;
			System.out.printf("""
					== %d creates with one Idempotency-Key over two replicas on one PostgreSQL
					  answers                           %s
					  refused while the first was held  %d
					  creates that reached the provider %d
					  retries afterwards (replica-1, replica-2) %d %s, %d %s
					  sessions recorded %d, keys recorded %d
					%n""", REQUESTS, statuses, refused.size(), creates, retryOne.statusCode(),
					retryOne.headers().firstValue("Idempotent-Replayed").orElse("-"), retryTwo.statusCode(),
					retryTwo.headers().firstValue("Idempotent-Replayed").orElse("-"),
					count("select count(*) from tracked_session where scope = 'proj-idem'"),
					count("select count(*) from idempotency_key where idem_key = 'replicas-1'"));

			assertThat(refused).as("answers while the first create was held").hasSize(REQUESTS - 1);
			assertThat(refused).allSatisfy((answer) -> {
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
				assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("IDEMPOTENCY_KEY_IN_FLIGHT");
			});
			assertThat(statuses).containsEntry(201, 1L).containsEntry(409, REQUESTS - 1L);
			assertThat(creates).as("creates the provider saw").isEqualTo(1);
			for (HttpResponse<String> retry : List.of(retryOne, retryTwo)) {
				assertThat(retry.statusCode()).isEqualTo(201);
				assertThat(retry.body()).isEqualTo(created.body());
				assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			}
			assertThat(this.stub.createCalls() - createsBefore).as("creates after the retries").isEqualTo(1);
			assertThat(this.stub.live("proj-idem")).containsExactly("idem-1");
			assertThat(count("select count(*) from tracked_session where scope = 'proj-idem' and status = 'ACTIVE'"))
				.isEqualTo(1);
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

	private long count(String query) throws Exception {
		try (Connection connection = DriverManager.getConnection(this.url, "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

}
