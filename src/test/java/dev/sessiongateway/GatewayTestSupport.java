package dev.sessiongateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.FakeProvider;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.SessionSearch;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionTracker;

/**
 * The whole gateway on a random port, with WireMock standing in for both providers. Every
 * test starts with empty stubs and an empty session table.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class GatewayTestSupport {

	public static final String SERVICE_KEY = "test-service-key";

	public static final String LIMITED_KEY = "test-limited-key";

	public static final String OPS_KEY = "test-ops-key";

	/** The key of a client that may only read and end the sessions it opened. */
	public static final String OWN_KEY = "test-own-key";

	/**
	 * The key of a client with caps: 2 live Pathors sessions, 2 Konpro opens a minute.
	 */
	public static final String CAPPED_KEY = "test-capped-key";

	public static final String PATHORS_KEY = "dk_TEST_PATHORS_KEY_MARKER_7f3a";

	public static final String PROJECT_KEY = "dk_TEST_PROJECT_KEY_MARKER_55ab";

	public static final String KONPRO_KEY = "TEST_KONPRO_KEY_MARKER_c0de";

	public static final String WEBHOOK_SECRET = "TEST_WEBHOOK_SECRET_MARKER_91c2";

	/** The secret the answers kept with idempotency keys are encrypted with. */
	public static final String IDEMPOTENCY_SECRET = "TEST_IDEMPOTENCY_SECRET_MARKER_4b7e_not_real";

	/**
	 * Every credential in the test configuration: none may ever appear in an answer or a
	 * row.
	 */
	public static final List<String> SECRETS = List.of(SERVICE_KEY, LIMITED_KEY, OPS_KEY, OWN_KEY, CAPPED_KEY,
			PATHORS_KEY, PROJECT_KEY, KONPRO_KEY, WEBHOOK_SECRET, IDEMPOTENCY_SECRET);

	protected static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Fixed ports, so that a test may stop a provider and start it again where it was.
	 */
	protected static final WireMockServer pathors = new WireMockServer(
			WireMockConfiguration.options().port(freePort()).bindAddress("127.0.0.1"));

	protected static final WireMockServer konpro = new WireMockServer(
			WireMockConfiguration.options().port(freePort()).bindAddress("127.0.0.1"));

	static {
		pathors.start();
		konpro.start();
	}

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	protected int port;

	@Autowired
	protected SessionQueries sessions;

	@Autowired
	protected SessionTracker tracker;

	@Autowired
	protected JdbcTemplate jdbc;

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void providers(DynamicPropertyRegistry registry) {
		registry.add("gateway.pathors.base-url", pathors::baseUrl);
		registry.add("gateway.konpro.base-url", konpro::baseUrl);
		// the tests read the stats right after changing rows: counted on every call
		registry.add("gateway.ops.stats-max-age", () -> "0s");
	}

	@BeforeEach
	protected void cleanSlate() {
		pathors.resetAll();
		konpro.resetAll();
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
		this.jdbc.update("delete from lease");
		this.jdbc.update("delete from client_usage");
		this.jdbc.update("delete from idempotency_key");
	}

	protected HttpResponse<String> send(String method, String path, String key, String body) {
		return send(method, path, key, body, "application/json");
	}

	protected HttpResponse<String> send(String method, String path, String key, String body, String contentType) {
		return send(this.port, method, path, key, body, contentType);
	}

	/**
	 * Sends one request to a gateway on this local port and checks that its answer shows
	 * no secret.
	 */
	public static HttpResponse<String> send(int port, String method, String path, String key, String body,
			String contentType) {
		return send(port, method, path, key, body, contentType, Map.of());
	}

	/**
	 * Sends one request with these further headers to a gateway on this local port and
	 * checks that its answer shows no secret.
	 */
	public static HttpResponse<String> send(int port, String method, String path, String key, String body,
			String contentType, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30));
		headers.forEach(request::header);
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		if (body != null) {
			if (contentType != null) {
				request.header("Content-Type", contentType);
			}
			request.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertNoSecretIn(method + " " + path + " answer", response.headers() + "\n" + response.body());
			return response;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Fails when the text contains any configured credential. */
	public static void assertNoSecretIn(String where, String text) {
		for (String secret : SECRETS) {
			if (text.contains(secret)) {
				throw new AssertionError(where + " contains a credential");
			}
		}
	}

	/** After every test: no credential was written to the session tables. */
	@AfterEach
	void noSecretInTheDatabase() {
		assertNoSecretIn("tracked_session rows", this.jdbc.queryForList("select * from tracked_session").toString());
		assertNoSecretIn("session_transition rows",
				this.jdbc.queryForList("select * from session_transition").toString());
		for (byte[] answer : this.jdbc.queryForList("select answer from idempotency_key where answer is not null",
				byte[].class)) {
			assertNoSecretIn("idempotency_key answers", new String(answer, StandardCharsets.ISO_8859_1));
		}
	}

	protected HttpResponse<String> read(String path, String key) {
		return send("GET", path, key, null);
	}

	/** Asserts a problem answer with this status and code. */
	protected static void assertProblem(HttpResponse<String> response, int status, String code) {
		if (response.statusCode() != status) {
			throw new AssertionError(
					"expected " + status + " but was " + response.statusCode() + ": " + response.body());
		}
		String type = response.headers().firstValue("Content-Type").orElse("");
		if (!type.startsWith("application/problem+json")) {
			throw new AssertionError("not a problem: " + type);
		}
		if (!"about:blank".equals(json(response).path("type").asString())) {
			throw new AssertionError("a problem without its type: " + response.body());
		}
		String actual = json(response).path("code").asString();
		if (!code.equals(actual)) {
			throw new AssertionError("expected code " + code + " but was " + actual);
		}
	}

	/** Asserts that neither provider was called and no session was recorded. */
	protected void assertNothingForwardedOrRecorded() {
		if (!pathors.getAllServeEvents().isEmpty() || !konpro.getAllServeEvents().isEmpty()) {
			throw new AssertionError("a provider was called");
		}
		if (!allSessions().isEmpty()) {
			throw new AssertionError("a session was recorded");
		}
	}

	protected static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	protected List<TrackedSession> allSessions() {
		return this.sessions.find(SessionSearch.all(), null, 100_000);
	}

	/**
	 * Records a session ACTIVE without calling a real provider, as if {@code provider}
	 * had confirmed it.
	 * @return the row's id
	 */
	protected long seedActive(String provider, String scope, String sessionId, String client) {
		this.tracker.open(new FakeProvider(provider), new OpenIntent(scope, sessionId, new byte[0]), client);
		return allSessions().getLast().id();
	}

	/** Records a session ENDING whose end the provider did not confirm yet. */
	protected long seedEnding(String provider, String scope, String sessionId, String client) {
		long id = seedActive(provider, scope, sessionId, client);
		FakeProvider down = new FakeProvider(provider).faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		this.tracker.end(down, new SessionKey(provider, scope, sessionId), client, EndReason.CLIENT);
		return id;
	}

	/** Records a session ENDED by its client. */
	protected long seedEnded(String provider, String scope, String sessionId, String client) {
		long id = seedActive(provider, scope, sessionId, client);
		this.tracker.end(new FakeProvider(provider), new SessionKey(provider, scope, sessionId), client,
				EndReason.CLIENT);
		return id;
	}

	/** Records an open the provider refused. */
	protected long seedFailed(String provider, String scope, String sessionId, String client) {
		FakeProvider refusing = new FakeProvider(provider).faults((op, key) -> FakeProvider.Fault.REFUSED);
		this.tracker.open(refusing, new OpenIntent(scope, sessionId, new byte[0]), client);
		return allSessions().getLast().id();
	}

	protected TrackedSession onlySession() {
		List<TrackedSession> all = allSessions();
		if (all.size() != 1) {
			throw new AssertionError("expected exactly one tracked session, found " + all.size());
		}
		return all.getFirst();
	}

}
