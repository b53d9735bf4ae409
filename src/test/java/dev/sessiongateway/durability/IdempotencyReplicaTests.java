package dev.sessiongateway.durability;

import java.net.http.HttpResponse;
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
import java.util.stream.IntStream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
 * replica afterwards gets the first answer, which the other replica stored. The figures
 * are printed.
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

	@BeforeAll
	void replicas() throws Exception {
		this.postgres = EmbeddedPostgres.builder().start();
		this.stub = PathorsStub.start(2);
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
		this.postgres.close();
	}

	private Map<String, String> settings(int replica) {
		Map<String, String> settings = GatewayProcess.settings(this.stub.baseUrl(replica));
		settings.put("spring.datasource.url", this.url);
		settings.put("spring.datasource.username", "postgres");
		// the same on every replica, as each must read the answers the others stored
		settings.put("gateway.idempotency.secret", "replica-idempotency-secret-not-a-real-one");
		return settings;
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
					count("select count(*) from idempotency_key"));

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
