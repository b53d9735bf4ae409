package dev.sessiongateway.idempotency;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionUpkeep;
import dev.sessiongateway.tracking.TrackedSession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Creates under an {@code Idempotency-Key}, over HTTP, on both create routes: a retry
 * after the answer gets it byte for byte without calling the provider again, one while
 * the first is in flight a 409, one with another body a 422, a key that cannot be read a
 * 400; the key is the client's own; the answer is stored encrypted and deleted with its
 * key once the window has passed. Konpro answers slowly here (its read timeout is long)
 * so that a caller may give up before the gateway has its answer.
 */
@TestPropertySource(properties = "gateway.konpro.read-timeout=10s")
class IdempotentCreatesTests extends GatewayTestSupport {

	static final String SESSIONS = "/v1/widget/sessions";

	static final String KONPRO_CREATE = "/konpro" + SESSIONS;

	/** Odd spacing and field order: the answer must come back byte for byte. */
	static final String CREATED = """
			{ "data" : {"session_token":"tok_secret_widget_token", "session_id":"ws_idem_1",
			  "expires_at":"2030-01-01T10:00:00Z","expires_in":3600,"websocket_url":"wss://x/ws"},  "meta":{"n":1} }
			""";

	static final String CREATE = "{\"agentic_avatar_id\":\"av-1\",\"settings\":{\"max_duration\":600}}";

	/** How long Konpro takes over a slow create: longer than the caller waits. */
	static final int SLOW_MILLIS = 2500;

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Autowired
	private SessionUpkeep upkeep;

	private static void konproCreates(int status, String body, int delayMillis) {
		konpro.stubFor(post(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(status)
			.withHeader("Content-Type", "application/json")
			.withBody(body)
			.withFixedDelay(delayMillis)));
	}

	private HttpResponse<String> create(String path, String clientKey, String body, String idempotencyKey) {
		return send(this.port, "POST", path, clientKey, body, "application/json",
				Map.of("Idempotency-Key", idempotencyKey));
	}

	private HttpResponse<String> create(String idempotencyKey, String body) {
		return create(KONPRO_CREATE, SERVICE_KEY, body, idempotencyKey);
	}

	private int konproCreates() {
		return konpro.findAll(postRequestedFor(urlEqualTo(SESSIONS))).size();
	}

	private long keyRows() {
		Long rows = this.jdbc.queryForObject("select count(*) from idempotency_key", Long.class);
		return (rows != null) ? rows : 0;
	}

	private byte[] storedAnswer(String client, String key) {
		return this.jdbc.queryForObject("select answer from idempotency_key where client = ? and idem_key = ?",
				byte[].class, client, key);
	}

	private List<TrackedSession> sessionsIn(SessionStatus status) {
		return allSessions().stream().filter((session) -> session.status() == status).toList();
	}

	@Test
	void aRetryAfterTheAnswerGetsItByteForByteAndKonproIsCalledOnce() {
		konproCreates(201, CREATED, 0);

		HttpResponse<String> first = create("\"retry-1\"", CREATE);
		HttpResponse<String> retry = create("\"retry-1\"", CREATE);

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.body()).isEqualTo(CREATED);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(CREATED);
		for (String header : List.of("Content-Type", "Cache-Control")) {
			assertThat(retry.headers().allValues(header)).as(header).isEqualTo(first.headers().allValues(header));
		}
		assertThat(retry.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(konproCreates()).as("creates Konpro saw").isEqualTo(1);
		assertThat(sessionsIn(SessionStatus.ACTIVE)).hasSize(1);
		assertThat(allSessions()).hasSize(1);
	}

	@Test
	void aPathorsRetryAfterTheAnswerGetsItByteForByteWithItsHeaders() {
		String created = "{ \"sessionId\":\"chat-idem\",  \"pathwayId\":\"pw_1\" }";
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody(created)));
		String path = "/pathors/v1/projects/proj-a/sessions";
		String body = "{\"session_id\":\"chat-idem\"}";
		Map<String, String> key = Map.of("Idempotency-Key", "\"pathors-1\"");

		HttpResponse<String> first = send(this.port, "POST", path, SERVICE_KEY, body, "application/json", key);
		HttpResponse<String> retry = send(this.port, "POST", path, SERVICE_KEY, body, "application/json", key);

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(first.body()).isEqualTo(created);
		assertThat(retry.headers().allValues("Content-Type")).isEqualTo(first.headers().allValues("Content-Type"));
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(pathors.findAll(postRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")))).hasSize(1);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void aRetryWhileTheFirstIsInFlightGets409AndTheFirstItsAnswer() throws Exception {
		konproCreates(201, CREATED, SLOW_MILLIS);
		CompletableFuture<HttpResponse<String>> first = CompletableFuture
			.supplyAsync(() -> create("\"in-flight\"", CREATE));
		awaitKeyRecorded("orders-service", "in-flight");

		HttpResponse<String> retry = create("\"in-flight\"", CREATE);

		assertThat(retry.statusCode()).as(retry.body()).isEqualTo(409);
		assertThat(json(retry).path("code").asString()).isEqualTo("IDEMPOTENCY_KEY_IN_FLIGHT");
		assertThat(retry.headers().firstValue("Retry-After")).isPresent();
		assertThat(first.get().statusCode()).isEqualTo(201);
		assertThat(first.get().body()).isEqualTo(CREATED);
		assertThat(konproCreates()).isEqualTo(1);
	}

	@Test
	void theSameKeyWithAnotherBodyGets422WithoutCallingKonpro() {
		konproCreates(201, CREATED, 0);
		assertThat(create("\"reused\"", CREATE).statusCode()).isEqualTo(201);

		HttpResponse<String> other = create("\"reused\"", CREATE.replace("av-1", "av-2"));

		assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
		assertThat(json(other).path("code").asString()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
		assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(konproCreates()).isEqualTo(1);
		assertThat(allSessions()).hasSize(1);
	}

	@Test
	void aKeyThatIsNotOneStructuredFieldStringGets400AndNothingIsSent() {
		konproCreates(201, CREATED, 0);
		for (String key : List.of("bare-token", "\"\"", "\"a\", \"b\"", "\"unterminated", "\"k\";p=1", "\"tab\there\"",
				"\"" + "x".repeat(256) + "\"", "\"bad \\escape\"")) {
			HttpResponse<String> answer = create(key, CREATE);

			assertThat(answer.statusCode()).as(key).isEqualTo(400);
			assertThat(json(answer).path("code").asString()).as(key).isEqualTo("VALIDATION_FAILED");
			assertThat(json(answer).path("errors").get(0).path("field").asString()).isEqualTo("Idempotency-Key");
		}
		assertThat(konproCreates()).isZero();
		assertThat(allSessions()).isEmpty();
		assertThat(keyRows()).isZero();
	}

	@Test
	void aKeyWithEscapesIsReadAsTheStringItEncodes() {
		konproCreates(201, CREATED, 0);
		assertThat(create("\"q\\\"uote\\\\d\"", CREATE).statusCode()).isEqualTo(201);

		assertThat(this.jdbc.queryForObject("select idem_key from idempotency_key", String.class))
			.isEqualTo("q\"uote\\d");
		assertThat(create("\"q\\\"uote\\\\d\"", CREATE).headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(konproCreates()).isEqualTo(1);
	}

	@Test
	void anotherClientsIdenticalKeyIsAKeyOfItsOwn() {
		konproCreates(201, CREATED, 0);

		HttpResponse<String> mine = create("\"shared\"", CREATE);
		HttpResponse<String> theirs = create(KONPRO_CREATE, OWN_KEY, CREATE, "\"shared\"");

		assertThat(mine.statusCode()).isEqualTo(201);
		assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(201);
		assertThat(theirs.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(konproCreates()).as("creates Konpro saw").isEqualTo(2);
		assertThat(this.jdbc.queryForList("select client from idempotency_key order by client", String.class))
			.containsExactly("audit-service", "orders-service");
		assertThat(create(KONPRO_CREATE, OWN_KEY, CREATE, "\"shared\"").headers().firstValue("Idempotent-Replayed"))
			.hasValue("true");
		assertThat(konproCreates()).isEqualTo(2);
	}

	@Test
	void onceTheWindowHasPassedTheStoredAnswerIsGoneAndTheKeyOpensAnew() {
		konproCreates(201, CREATED, 0);
		assertThat(create("\"window\"", CREATE).statusCode()).isEqualTo(201);
		assertThat(this.upkeep.purgeIdempotencyKeys(100)).as("purged within the window").isZero();
		assertThat(keyRows()).isEqualTo(1);

		this.jdbc.update("update idempotency_key set expires_at = created_at - interval '1' second");
		assertThat(this.upkeep.purgeIdempotencyKeys(100)).isEqualTo(1);

		assertThat(keyRows()).as("keys and stored answers left").isZero();
		HttpResponse<String> again = create("\"window\"", CREATE);
		assertThat(again.statusCode()).isEqualTo(201);
		assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(konproCreates()).isEqualTo(2);
	}

	@Test
	void theStoredAnswerIsEncryptedAndUnreadableWithoutTheSecret() throws Exception {
		konproCreates(201, CREATED, 0);
		assertThat(create("\"sealed\"", CREATE).statusCode()).isEqualTo(201);

		byte[] stored = storedAnswer("orders-service", "sealed");
		String raw = new String(stored, StandardCharsets.ISO_8859_1);
		assertThat(raw).doesNotContain("tok_secret_widget_token").doesNotContain("ws_idem_1").doesNotContain("data");
		assertThatExceptionOfType(AnswerSeal.UnreadableAnswerException.class).as("another secret")
			.isThrownBy(() -> new AnswerSeal("another-secret-0123456789-0123456789").open(stored, "orders-service",
					"sealed"));
		assertThatExceptionOfType(AnswerSeal.UnreadableAnswerException.class).as("another client's key")
			.isThrownBy(() -> new AnswerSeal(IDEMPOTENCY_SECRET).open(stored, "audit-service", "sealed"));
		StoredAnswer opened = StoredAnswer
			.read(new AnswerSeal(IDEMPOTENCY_SECRET).open(stored, "orders-service", "sealed"));
		assertThat(new String(opened.body(), StandardCharsets.UTF_8)).isEqualTo(CREATED);

		// sealed under another secret, as after the secret was changed: the gateway
		// cannot read it, and says the answer is lost rather than create again
		byte[] foreign = new AnswerSeal("another-secret-0123456789-0123456789").seal(opened.bytes(), "orders-service",
				"sealed");
		this.jdbc.update("update idempotency_key set answer = ?", (Object) foreign);
		HttpResponse<String> retry = create("\"sealed\"", CREATE);
		assertThat(retry.statusCode()).as(retry.body()).isEqualTo(422);
		assertThat(json(retry).path("code").asString()).isEqualTo("IDEMPOTENCY_KEY_ANSWER_LOST");
		assertThat(retry.body()).doesNotContain("tok_secret_widget_token");
		assertThat(konproCreates()).isEqualTo(1);
	}

	/**
	 * The caller gives up on a slow create before the gateway has Konpro's answer, and
	 * retries with its key: it is told to wait while the create is in flight, then gets
	 * the answer with its token. Konpro saw one create, and one session is ACTIVE.
	 */
	@Test
	void aCallerThatGaveUpOnASlowCreateGetsItsTokenByRetryingWithItsKey() throws Exception {
		konproCreates(201, CREATED, SLOW_MILLIS);
		HttpRequest impatient = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + KONPRO_CREATE))
			.timeout(Duration.ofMillis(300))
			.header("Authorization", "Bearer " + SERVICE_KEY)
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "\"gave-up\"")
			.POST(HttpRequest.BodyPublishers.ofString(CREATE))
			.build();
		assertThatExceptionOfType(HttpTimeoutException.class).as("the caller's own timeout")
			.isThrownBy(() -> http.send(impatient, HttpResponse.BodyHandlers.ofString()));

		HttpResponse<String> retry = create("\"gave-up\"", CREATE);
		assertThat(retry.statusCode()).as("a retry while the create is in flight").isEqualTo(409);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (retry.statusCode() == 409 && System.nanoTime() < deadline) {
			assertThat(json(retry).path("code").asString()).isEqualTo("IDEMPOTENCY_KEY_IN_FLIGHT");
			Thread.sleep(Long.parseLong(retry.headers().firstValue("Retry-After").orElseThrow()) * 200);
			retry = create("\"gave-up\"", CREATE);
		}

		assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(CREATED).contains("tok_secret_widget_token");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(konproCreates()).as("creates Konpro saw").isEqualTo(1);
		assertThat(sessionsIn(SessionStatus.ACTIVE)).hasSize(1);
		assertThat(onlySession().sessionId()).isEqualTo("ws_idem_1");
	}

	/**
	 * Konpro's answer to a create is lost to the gateway (it failed in a way after which
	 * the session may exist): Konpro offers no way to find it, so the create stays FAILED
	 * with its outcome unknown, and a retry under the key gets that same answer again
	 * instead of a second session.
	 */
	@Test
	void whenTheGatewayLosesKonprosAnswerTheRetryIsToldTheOutcomeIsUnknown() {
		konproCreates(500, "{\"error\":{\"code\":\"INTERNAL\"}}", 0);

		HttpResponse<String> first = create("\"lost\"", CREATE);
		HttpResponse<String> retry = create("\"lost\"", CREATE);

		assertThat(first.statusCode()).isEqualTo(502);
		assertThat(json(first).path("detail").asString()).contains("Whether the session was opened is unknown");
		assertThat(retry.statusCode()).isEqualTo(502);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(konproCreates()).as("creates Konpro saw").isEqualTo(1);
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.FAILED);
		assertThat(session.lastError()).contains("outcome unknown");
	}

	@Test
	void aCreateKonproRefusedLetsItsKeyGoForAnotherTry() {
		konproCreates(422, "{\"error\":{\"code\":\"VALIDATION\"}}", 0);
		assertThat(create("\"refused\"", CREATE).statusCode()).isEqualTo(422);
		assertThat(keyRows()).isZero();

		konproCreates(201, CREATED, 0);
		HttpResponse<String> again = create("\"refused\"", CREATE);

		assertThat(again.statusCode()).isEqualTo(201);
		assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(konproCreates()).isEqualTo(2);
	}

	@Test
	void aCreateWithoutAKeyIsCarriedOutAsBefore() {
		konproCreates(201, CREATED, 0);

		assertThat(send("POST", KONPRO_CREATE, SERVICE_KEY, CREATE).statusCode()).isEqualTo(201);
		assertThat(send("POST", KONPRO_CREATE, SERVICE_KEY, CREATE).statusCode()).isEqualTo(201);

		assertThat(konproCreates()).isEqualTo(2);
		assertThat(keyRows()).isZero();
	}

	private void awaitKeyRecorded(String client, String key) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			Long rows = this.jdbc.queryForObject(
					"select count(*) from idempotency_key where client = ? and idem_key = ?", Long.class, client, key);
			if (rows != null && rows > 0) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("the key was never recorded");
	}

}
