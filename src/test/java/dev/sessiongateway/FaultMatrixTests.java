package dev.sessiongateway;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessiongateway.ProviderStub.Answer;
import dev.sessiongateway.ProviderStub.Operation;
import dev.sessiongateway.tracking.TestClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix: for a create and an end at each provider, every way a provider call
 * goes wrong, against providers that hold state. After each fault the provider is healthy
 * again and background work runs; once the ledger settles it is compared with what the
 * provider holds. No session may be leaked (live at the provider, not live in the
 * ledger), none a ghost (ACTIVE in the ledger, gone at the provider), none stuck (OPENING
 * or ENDING), and no create may reach the provider twice. A Konpro create whose id the
 * gateway never learnt cannot be ended by anyone but Konpro's own expiry: it must be
 * recorded FAILED with its reason, and each such session at the stub must be covered by
 * one. The caller's answer follows the contract's error table. The matrix is printed, one
 * line per case.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gateway.sessions.worker.enabled=true", "gateway.sessions.worker.poll-interval=100ms",
				"gateway.sessions.worker.min-backoff=100ms", "gateway.sessions.worker.max-backoff=500ms" })
@ActiveProfiles("test")
@Import(FaultMatrixTests.MovableClock.class)
class FaultMatrixTests {

	private static final String KONPRO_ACCOUNT = "test-account";

	private static final String PROJECT = "proj-a";

	private static final Duration SETTLE = Duration.ofSeconds(20);

	/** Longer than one in-line attempt, shorter than the settling bound. */
	private static final Duration OUTAGE = Duration.ofMillis(1500);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ProviderStub pathors = ProviderStub.pathors();

	private static final ProviderStub konpro = ProviderStub.konpro(KONPRO_ACCOUNT);

	private static final List<String> matrix = new CopyOnWriteArrayList<>();

	private static int sessionNumber;

	@LocalServerPort
	private int port;

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private TestClock clock;

	/** The gateway's default: how long after it began a create may still land. */
	private static final Duration VERIFY_AFTER = Duration.ofMinutes(2);

	/** A clock the test moves past the time creates may land, instead of waiting. */
	@TestConfiguration(proxyBeanMethods = false)
	static class MovableClock {

		@Bean
		@Primary
		TestClock testClock() {
			return new TestClock();
		}

	}

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("gateway.pathors.base-url", pathors::baseUrl);
		registry.add("gateway.konpro.base-url", konpro::baseUrl);
	}

	/** The faults, each with whether the provider carried the request out first. */
	enum Fault {

		/** A 5xx can come after the provider acted, or before: both are modelled. */
		HTTP_500_ACTED(Answer.HTTP_500, true),

		HTTP_500_NOT_ACTED(Answer.HTTP_500, false),

		/** The provider's edge lost the answer of an origin that acted. */
		HTTP_502_ACTED(Answer.HTTP_502, true),

		/** Shed before acting, with a Retry-After of one second. */
		HTTP_503_RETRY_AFTER(Answer.HTTP_503, false),

		/** Rate-limited before acting, with a Retry-After of one second. */
		HTTP_429_RETRY_AFTER(Answer.HTTP_429, false),

		/** Nothing listens: the request never reaches the provider. */
		CONNECTION_REFUSED(null, false),

		/** The connection is reset after the request arrived: after acting, or before. */
		RESET_ACTED(Answer.RESET, true),

		RESET_NOT_ACTED(Answer.RESET, false),

		/** The provider acted and closed the connection without a word. */
		EMPTY_RESPONSE(Answer.EMPTY_RESPONSE, true),

		/** The provider acted and began a reply that breaks off mid-chunk. */
		MALFORMED_CHUNK(Answer.MALFORMED_CHUNK, true),

		/** Something that is not the API answered garbage. */
		RANDOM_DATA_THEN_CLOSE(Answer.RANDOM_DATA, false),

		/** The provider acted; its answer comes after the gateway's read timeout. */
		LATE_PAST_READ_TIMEOUT(Answer.LATE, true),

		/**
		 * The provider is still working when the gateway's read timeout passes, and
		 * carries the request out only after the gateway's first end of the session was
		 * answered.
		 */
		LANDS_AFTER_THE_END(Answer.LANDS_LATE, false),

		/** A listener accepts the connection and never answers. */
		BLACK_HOLE(null, false),

		/** Every request answers 503 for longer than the in-line attempt, then none. */
		OUTAGE_THEN_RECOVERY(null, false);

		private final @Nullable Answer answer;

		private final boolean acted;

		Fault(@Nullable Answer answer, boolean acted) {
			this.answer = answer;
			this.acted = acted;
		}

		/**
		 * Whether a create that met this fault may have opened a session, as far as the
		 * gateway can tell (contract 3.11): every 5xx, reset, unreadable reply and
		 * timeout.
		 */
		boolean leavesCreateUncertain() {
			return this != HTTP_429_RETRY_AFTER && this != CONNECTION_REFUSED;
		}

	}

	record Case(String provider, Operation operation, Fault fault) {

		@Override
		public String toString() {
			return this.provider + " " + this.operation.name().toLowerCase() + " " + this.fault;
		}

	}

	static Stream<Case> cases() {
		return Stream.of("pathors", "konpro")
			.flatMap((provider) -> Stream.of(Operation.CREATE, Operation.END)
				.flatMap(
						(operation) -> Stream.of(Fault.values()).map((fault) -> new Case(provider, operation, fault))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void aFaultLeavesNoLeakedGhostStuckOrDuplicateSession(Case c) {
		ProviderStub stub = stub(c.provider());
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
		pathors.reset();
		konpro.reset();
		String pathorsId = "fm-" + (++sessionNumber);
		String sessionId = null;
		if (c.operation() == Operation.END) {
			HttpResponse<String> opened = open(c.provider(), pathorsId);
			assertThat(opened.statusCode()).as("healthy open before the end").isBetween(200, 201);
			sessionId = c.provider().equals("pathors") ? pathorsId
					: json(opened).path("data").path("session_id").asString();
		}
		String endId = sessionId;

		HttpResponse<String> answer = inject(stub, c,
				() -> (c.operation() == Operation.CREATE) ? open(c.provider(), pathorsId) : end(c.provider(), endId));

		Ledger ledger = settleAndCompare(c);
		String line = String.format(
				"%-8s %-6s %-22s -> %3d %-22s leaked=%d ghost=%d stuck=%d duplicate=%d"
						+ " overlappingEnds=%d failedUncertain=%d unknownIdAtProvider=%d endCalls=%s",
				c.provider(), c.operation().name().toLowerCase(), c.fault(), answer.statusCode(), code(answer),
				ledger.leaked(), ledger.ghost(), ledger.stuck(), ledger.duplicate(), stub.overlappingEnds(),
				ledger.failedUncertain().size(), ledger.unknownAtProvider(), stub.endsBySession());
		matrix.add(line);
		System.out.println("fault matrix: " + line);
		ledger.failedUncertain().forEach((row) -> System.out.println("fault matrix:     FAILED uncertain " + row));

		assertCallerAnswer(c, answer, endId, line);
		assertThat(ledger.leaked()).as("leaked: " + line).isZero();
		assertThat(ledger.ghost()).as("ghost: " + line).isZero();
		assertThat(ledger.stuck()).as("stuck: " + line).isZero();
		assertThat(ledger.duplicate()).as("duplicate creates: " + line).isZero();
		assertThat(stub.overlappingEnds()).as("ends worked on twice at once: " + line).isZero();
		assertThat(ledger.unknownAtProvider()).as("sessions whose id no FAILED row stands for: " + line)
			.isLessThanOrEqualTo(ledger.failedUncertain().size());
		assertFinalRow(c, line);
	}

	@AfterAll
	static void printMatrix() {
		StringBuilder out = new StringBuilder("fault matrix (" + matrix.size() + " cases):\n");
		matrix.forEach((line) -> out.append("  ").append(line).append('\n'));
		System.out.print(out);
		pathors.close();
		konpro.close();
	}

	/** Sets the fault up, makes the caller's request, and heals the provider. */
	private HttpResponse<String> inject(ProviderStub stub, Case c, Supplier<HttpResponse<String>> call) {
		switch (c.fault()) {
			case CONNECTION_REFUSED -> stub.refuse();
			case BLACK_HOLE -> stub.blackHole();
			case OUTAGE_THEN_RECOVERY -> stub.outage(OUTAGE);
			default -> stub.failNext(c.operation(), Objects.requireNonNull(c.fault().answer), c.fault().acted);
		}
		try {
			return call.get();
		}
		finally {
			stub.heal();
		}
	}

	/** The caller's answer, as the contract's error table and end semantics say. */
	private static void assertCallerAnswer(Case c, HttpResponse<String> answer, String sessionId, String line) {
		if (c.operation() == Operation.END) {
			assertThat(answer.statusCode()).as("an end not confirmed in-line: " + line).isEqualTo(202);
			assertThat(json(answer).path("status").asString()).as(line).isEqualTo("ENDING");
			assertThat(json(answer).path("sessionId").asString()).as(line).isEqualTo(sessionId);
			return;
		}
		assertThat(answer.headers().firstValue("Content-Type")).as(line).hasValue("application/problem+json");
		switch (c.fault()) {
			case HTTP_429_RETRY_AFTER -> {
				assertThat(answer.statusCode()).as(line).isEqualTo(429);
				assertThat(code(answer)).as(line).isEqualTo("UPSTREAM_RATE_LIMITED");
				assertThat(answer.headers().firstValue("Retry-After")).as(line).hasValue("1");
			}
			case LATE_PAST_READ_TIMEOUT, LANDS_AFTER_THE_END, BLACK_HOLE -> {
				assertThat(answer.statusCode()).as(line).isEqualTo(504);
				assertThat(code(answer)).as(line).isEqualTo("UPSTREAM_TIMEOUT");
			}
			default -> {
				assertThat(answer.statusCode()).as(line).isEqualTo(502);
				assertThat(code(answer)).as(line).isEqualTo("UPSTREAM_UNAVAILABLE");
			}
		}
	}

	/**
	 * How the row ends up: an end is ENDED for its client; a Pathors create that may have
	 * opened a session is ended (COMPENSATION), one that certainly did not is FAILED; a
	 * Konpro create is FAILED, with "outcome unknown" when it may have opened one.
	 */
	private void assertFinalRow(Case c, String line) {
		List<Map<String, Object>> rows = this.jdbc
			.queryForList("select status, end_reason, last_error from tracked_session order by id");
		assertThat(rows).as(line).hasSize(1);
		Map<String, Object> row = rows.getFirst();
		if (c.operation() == Operation.END) {
			assertThat(row.get("status")).as(line).isEqualTo("ENDED");
			assertThat(row.get("end_reason")).as(line).isEqualTo("CLIENT");
			return;
		}
		boolean uncertain = c.fault().leavesCreateUncertain();
		if (c.provider().equals("pathors")) {
			assertThat(row.get("status")).as(line).isEqualTo(uncertain ? "ENDED" : "FAILED");
			if (uncertain) {
				assertThat(row.get("end_reason")).as(line).isEqualTo("COMPENSATION");
			}
			return;
		}
		assertThat(row.get("status")).as(line).isEqualTo("FAILED");
		assertThat(String.valueOf(row.get("last_error")).startsWith("outcome unknown")).as(line).isEqualTo(uncertain);
	}

	/**
	 * What the ledger and the providers hold once no row is OPENING or ENDING any more
	 * (or the bound ran out).
	 */
	private Ledger settleAndCompare(Case c) {
		long deadline = System.nanoTime() + SETTLE.toNanos();
		while (unsettled(UNVERIFIED) > 0 && System.nanoTime() - deadline < 0) {
			sleep(50);
		}
		// what the providers were still working on lands, after the first ends were
		// answered; then the time passes when a create could still land
		pathors.landLateRequests();
		konpro.landLateRequests();
		this.clock.advance(VERIFY_AFTER.plusSeconds(1));
		while (unsettled(ALL) > 0 && System.nanoTime() - deadline < 0) {
			sleep(50);
		}
		List<Map<String, Object>> rows = this.jdbc
			.queryForList("select id, provider, scope, session_id, status, last_error from tracked_session");
		Set<String> liveRows = keys(rows, Set.of("OPENING", "ACTIVE", "ENDING"));
		Set<String> activeRows = keys(rows, Set.of("ACTIVE"));
		Set<String> atProviders = new HashSet<>();
		pathors.live().forEach((key) -> atProviders.add("pathors/" + key));
		konpro.live().forEach((key) -> atProviders.add("konpro/" + key));
		Set<String> named = rows.stream()
			.filter((row) -> row.get("session_id") != null)
			.map((row) -> row.get("provider") + "/" + row.get("scope") + "/" + row.get("session_id"))
			.collect(Collectors.toSet());
		List<String> notLive = atProviders.stream().filter((key) -> !liveRows.contains(key)).toList();
		// Konpro sessions whose id the gateway never learnt: no row names them.
		int unknown = (int) notLive.stream().filter((key) -> key.startsWith("konpro/") && !named.contains(key)).count();
		List<String> failedUncertain = rows.stream()
			.filter((row) -> "FAILED".equals(row.get("status"))
					&& String.valueOf(row.get("last_error")).startsWith("outcome unknown"))
			.map((row) -> row.get("provider") + " row " + row.get("id") + ": " + row.get("last_error"))
			.toList();
		int leaked = notLive.size() - Math.min(unknown, failedUncertain.size());
		int ghost = (int) activeRows.stream().filter((key) -> !atProviders.contains(key)).count();
		int stuck = (int) rows.stream()
			.filter((row) -> "OPENING".equals(row.get("status")) || "ENDING".equals(row.get("status")))
			.count();
		return new Ledger(leaked, ghost, stuck, duplicateCreates(c), unknown, failedUncertain);
	}

	/**
	 * Creates the provider received beyond the caller's: Pathors by session id, Konpro
	 * (whose ids the provider makes up) by count.
	 */
	private static int duplicateCreates(Case c) {
		int duplicates = 0;
		Map<String, Long> byId = pathors.creates()
			.stream()
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		for (long count : byId.values()) {
			duplicates += (int) (count - 1);
		}
		int callerCreates = c.provider().equals("konpro") ? 1 : 0;
		duplicates += Math.max(0, konpro.creates().size() - callerCreates);
		return duplicates;
	}

	/** Rows OPENING or ENDING. */
	private static final String ALL = "select count(*) from tracked_session where status in ('OPENING', 'ENDING')";

	/**
	 * Rows OPENING or ENDING, but for ends the provider confirmed that wait to be
	 * verified once their create can no longer land.
	 */
	private static final String UNVERIFIED = ALL
			+ " and not (status = 'ENDING' and settles_at is not null and next_attempt_at >= settles_at)";

	private int unsettled(String query) {
		Integer count = this.jdbc.queryForObject(query, Integer.class);
		return (count != null) ? count : 0;
	}

	private static Set<String> keys(List<Map<String, Object>> rows, Set<String> statuses) {
		return rows.stream()
			.filter((row) -> statuses.contains(String.valueOf(row.get("status"))) && row.get("session_id") != null)
			.map((row) -> row.get("provider") + "/" + row.get("scope") + "/" + row.get("session_id"))
			.collect(Collectors.toSet());
	}

	/** The ledger against the providers after one case. */
	record Ledger(int leaked, int ghost, int stuck, int duplicate, int unknownAtProvider,
			List<String> failedUncertain) {
	}

	private static ProviderStub stub(String provider) {
		return provider.equals("pathors") ? pathors : konpro;
	}

	private HttpResponse<String> open(String provider, String pathorsId) {
		return provider.equals("pathors")
				? send("POST", "/pathors/v1/projects/" + PROJECT + "/sessions",
						"{\"session_id\":\"" + pathorsId + "\"}")
				: send("POST", "/konpro/v1/widget/sessions", "{\"agentic_avatar_id\":\"av-1\"}");
	}

	private HttpResponse<String> end(String provider, String sessionId) {
		return provider.equals("pathors")
				? send("DELETE", "/pathors/v1/projects/" + PROJECT + "/sessions",
						"{\"session_id\":\"" + sessionId + "\"}")
				: send("DELETE", "/konpro/v1/widget/sessions/" + sessionId, null);
	}

	private HttpResponse<String> send(String method, String path, String body) {
		return GatewayTestSupport.send(this.port, method, path, GatewayTestSupport.SERVICE_KEY, body,
				"application/json");
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private static String code(HttpResponse<String> response) {
		String type = response.headers().firstValue("Content-Type").orElse("");
		return type.startsWith("application/problem+json") ? json(response).path("code").asString() : "";
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
