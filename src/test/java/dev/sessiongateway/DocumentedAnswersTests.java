package dev.sessiongateway;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.tracking.Leases;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer the OpenAPI description promises is one the gateway gives: the test reads
 * the description, and for each route, status and content type it describes, makes a
 * request that gets exactly that answer, against WireMock providers. A status described
 * without a way to produce it fails here, as does a route this test cannot drive.
 */
class DocumentedAnswersTests extends GatewayTestSupport {

	@Autowired
	private Leases leases;

	private static final String BIG = "{\"session_id\":\"s\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";

	/** A lease id no client holds. */
	private static final String UNKNOWN_LEASE = "ls_" + "A".repeat(22);

	private static final String PROVIDER_ERROR = "{\"error\":{\"message\":\"the provider's own answer\"}}";

	/** The content type of a described answer without a body. */
	private static final String NO_BODY = "";

	/** One request, as a caller sends it, with any further headers (a cookie). */
	record Call(String method, String path, @Nullable String key, @Nullable String body, @Nullable String type,
			Map<String, String> headers) {

		Call key(@Nullable String other) {
			return new Call(this.method, this.path, other, this.body, this.type, this.headers);
		}

		Call body(String other) {
			return new Call(this.method, this.path, this.key, other, this.type, this.headers);
		}

		Call type(String other) {
			return new Call(this.method, this.path, this.key, this.body, other, this.headers);
		}

		Call header(String name, String value) {
			Map<String, String> more = new TreeMap<>(this.headers);
			more.put(name, value);
			return new Call(this.method, this.path, this.key, this.body, this.type, more);
		}

	}

	/**
	 * How the test drives one operation: a request that succeeds when its provider
	 * answers {@code reply}, one the gateway refuses as invalid, and the key of a client
	 * the route forbids. A route whose answers need more (a console page, a sign-in)
	 * makes them itself in {@code own}, keyed by status and content type
	 * ({@code "200 text/csv"}; the status alone for an answer without a body), each given
	 * the path.
	 */
	record Route(@Nullable WireMockServer provider, String reply, Function<String, Call> valid,
			Function<String, Call> invalid, @Nullable String forbiddenKey,
			Map<String, Function<String, HttpResponse<String>>> own) {

		Route(@Nullable WireMockServer provider, String reply, Function<String, Call> valid,
				Function<String, Call> invalid, @Nullable String forbiddenKey) {
			this(provider, reply, valid, invalid, forbiddenKey, Map.of());
		}

	}

	private Map<String, Route> routes() {
		Map<String, Route> routes = new TreeMap<>();
		String sessions = "{\"session_id\":\"doc-1\"}";
		routes.put("pathorsCreate", new Route(pathors, "{\"sessionId\":\"doc-1\",\"pathwayId\":\"pw\"}",
				(path) -> call("POST", path, SERVICE_KEY, sessions), (path) -> call("POST", path, SERVICE_KEY, "{}"),
				LIMITED_KEY,
				Map.of("404 application/problem+json",
						(path) -> send(
								call("POST", path, SERVICE_KEY, sessions).header("Gateway-Lease", UNKNOWN_LEASE)),
						"422 application/problem+json",
						(path) -> keyReused(pathors, "{\"sessionId\":\"doc-1\",\"pathwayId\":\"pw\"}",
								call("POST", path, SERVICE_KEY, sessions), "{\"session_id\":\"doc-2\"}"))));
		routes.put("pathorsEnd",
				new Route(pathors, "{\"success\":true}", (path) -> call("DELETE", path, SERVICE_KEY, sessions),
						(path) -> call("DELETE", path, SERVICE_KEY, "{\"session_id\":7}"), LIMITED_KEY,
						notVisible("pathors", (path) -> call("DELETE", path, OWN_KEY, sessions))));
		routes.put("pathorsTerminate",
				new Route(pathors, "{\"success\":true}", (path) -> call("POST", path, SERVICE_KEY, sessions),
						(path) -> call("POST", path, SERVICE_KEY, "{\"extra\":1}"), LIMITED_KEY,
						notVisible("pathors", (path) -> call("POST", path, OWN_KEY, sessions))));
		routes.put("pathorsRead",
				new Route(pathors, "{\"sessionId\":\"doc-1\"}", (path) -> call("GET", path, SERVICE_KEY, null),
						(path) -> call("GET", path.replace("proj-a", "p".repeat(129)), SERVICE_KEY, null), LIMITED_KEY,
						notVisible("pathors", (path) -> call("GET", path, OWN_KEY, null))));
		routes.put("pathorsWebhook", new Route(null, "",
				(path) -> call("POST", path, WEBHOOK_SECRET, "{\"event\":\"session.ended\",\"sessionId\":\"doc-1\"}"),
				(path) -> call("POST", path, WEBHOOK_SECRET, "[]"), null));
		routes.put("konproCreate",
				new Route(konpro, "{\"data\":{\"session_id\":\"ws-1\",\"expires_at\":\"2030-01-01T00:00:00Z\"}}",
						(path) -> call("POST", path, SERVICE_KEY, "{\"agentic_avatar_id\":\"avatar-1\"}"),
						(path) -> call("POST", path, SERVICE_KEY, "{}"), LIMITED_KEY,
						Map.of("404 application/problem+json",
								(path) -> send(call("POST", path, SERVICE_KEY, "{\"agentic_avatar_id\":\"avatar-1\"}")
									.header("Gateway-Lease", UNKNOWN_LEASE)),
								"409 application/problem+json", this::keyInFlight, "422 application/problem+json",
								(path) -> keyReused(konpro, "{\"data\":{\"session_id\":\"ws-1\"}}",
										call("POST", path, SERVICE_KEY, "{\"agentic_avatar_id\":\"avatar-1\"}"),
										"{\"agentic_avatar_id\":\"avatar-2\"}"))));
		routes.put("konproRead",
				new Route(konpro, "{\"session_id\":\"doc-1\",\"status\":\"active\"}",
						(path) -> call("GET", path, SERVICE_KEY, null),
						(path) -> call("GET", path.replace("doc-1", "x".repeat(257)), SERVICE_KEY, null), LIMITED_KEY,
						notVisible("konpro", (path) -> call("GET", path, OWN_KEY, null))));
		routes.put("konproEnd",
				new Route(konpro, "{\"message\":\"Session terminated successfully\"}",
						(path) -> call("DELETE", path, SERVICE_KEY, null),
						(path) -> call("DELETE", path.replace("doc-1", "x".repeat(257)), SERVICE_KEY, null),
						LIMITED_KEY, notVisible("konpro", (path) -> call("DELETE", path, OWN_KEY, null))));
		Map<String, Function<String, HttpResponse<String>>> unknownLease = Map.of("404 application/problem+json",
				(path) -> send(call(path.endsWith("/keepalive") ? "POST" : "GET",
						path.replaceFirst("ls_[A-Za-z0-9_-]+", UNKNOWN_LEASE), SERVICE_KEY, null)));
		routes.put("leaseGrant", new Route(null, "", (path) -> call("POST", path, SERVICE_KEY, "{\"ttl\":\"30s\"}"),
				(path) -> call("POST", path, SERVICE_KEY, "{\"ttl\":\"0s\"}"), OPS_KEY));
		routes.put("leaseKeepAlive", new Route(null, "", (path) -> call("POST", path, SERVICE_KEY, null),
				(path) -> call("POST", path, SERVICE_KEY, null), OPS_KEY, unknownLease));
		routes.put("leaseRead", new Route(null, "", (path) -> call("GET", path, SERVICE_KEY, null),
				(path) -> call("GET", path, SERVICE_KEY, null), OPS_KEY, unknownLease));
		routes.put("leaseRevoke", new Route(null, "", (path) -> call("DELETE", path, SERVICE_KEY, null),
				(path) -> call("DELETE", path, SERVICE_KEY, null), OPS_KEY,
				Map.of("404 application/problem+json", (path) -> send(
						call("DELETE", path.replaceFirst("ls_[A-Za-z0-9_-]+", UNKNOWN_LEASE), SERVICE_KEY, null)))));
		routes.put("opsList", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path + "?limit=0", OPS_KEY, null), SERVICE_KEY,
				Map.of("200 text/csv", (path) -> send(call("GET", path, OPS_KEY, null).header("Accept", "text/csv")))));
		routes.put("opsEvents", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path + "?limit=0", OPS_KEY, null), SERVICE_KEY));
		routes.put("opsStats", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path, OPS_KEY, null), SERVICE_KEY));
		routes.put("opsUsage", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path + "?from=2026-12-02&to=2026-12-01", OPS_KEY, null), SERVICE_KEY,
				Map.of("200 text/csv", (path) -> send(call("GET", path, OPS_KEY, null).header("Accept", "text/csv")))));
		routes.put("opsActivity", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path + "?hours=0", OPS_KEY, null), SERVICE_KEY));
		routes.put("opsRead", new Route(null, "", (path) -> call("GET", path, OPS_KEY, null),
				(path) -> call("GET", path.replaceFirst("/\\d+", "/abc"), OPS_KEY, null), SERVICE_KEY));
		routes.put("opsEnd", new Route(pathors, "{\"success\":true}", (path) -> call("POST", path, OPS_KEY, null),
				(path) -> call("POST", path.replaceFirst("/\\d+/", "/abc/"), OPS_KEY, null), SERVICE_KEY));
		routes.put("consoleSignIn",
				new Route(null, "", (path) -> signInCall(path, OPS_KEY), (path) -> call("POST", path, null, "{}"), null,
						Map.of("401 application/problem+json", (path) -> send(signInCall(path, "a-key-nobody-has")),
								"403 application/problem+json", (path) -> send(signInCall(path, SERVICE_KEY)),
								"429 application/problem+json", this::signInsUntilRefused)));
		routes.put("consoleSession",
				new Route(null, "", (path) -> signedIn(call("GET", path, null, null), false),
						(path) -> signedIn(call("GET", path, null, null), false), SERVICE_KEY,
						Map.of("401 application/problem+json", (path) -> send(call("GET", path, null, null)))));
		routes.put("consoleSignOut",
				new Route(null, "", (path) -> signedIn(call("POST", path, null, null), true),
						(path) -> signedIn(call("POST", path, null, null), true), null,
						Map.of("401 application/problem+json", (path) -> send(call("POST", path, null, null)),
								"403 application/problem+json",
								(path) -> send(signedIn(call("POST", path, null, null), false)))));
		return routes;
	}

	/**
	 * A 404 of the gateway's own for a session another client opened, asked about by a
	 * client that may only see its own sessions.
	 */
	private Map<String, Function<String, HttpResponse<String>>> notVisible(String provider,
			Function<String, Call> call) {
		return Map.of("404 application/problem+json", (path) -> {
			seedActive(provider, provider.equals("pathors") ? "proj-a" : "test-account", "doc-1", "orders-service");
			return send(call.apply(path));
		});
	}

	/**
	 * A Konpro create under an idempotency key whose first request is still in flight
	 * (its answer not yet stored).
	 */
	private HttpResponse<String> keyInFlight(String path) {
		answer(konpro, 201, "{\"data\":{\"session_id\":\"ws-1\"}}");
		Call create = call("POST", path, SERVICE_KEY, "{\"agentic_avatar_id\":\"avatar-1\"}").header("Idempotency-Key",
				"\"doc-key\"");
		assertThat(send(create).statusCode()).isEqualTo(201);
		this.jdbc.update("update idempotency_key set answer = null, answered_at = null");
		return send(create);
	}

	/** A create under an idempotency key the client used for another body before. */
	private HttpResponse<String> keyReused(WireMockServer provider, String reply, Call create, String otherBody) {
		answer(provider, 201, reply);
		Call keyed = create.header("Idempotency-Key", "\"doc-key\"");
		assertThat(send(keyed).statusCode()).isEqualTo(201);
		return send(keyed.body(otherBody));
	}

	/**
	 * Wrong keys from one client address (named by a proxy) until the gateway refuses to
	 * look at more.
	 */
	private HttpResponse<String> signInsUntilRefused(String path) {
		Call guess = signInCall(path, "a-key-nobody-has").header("X-Forwarded-For", "192.0.2.99");
		HttpResponse<String> answer = send(guess);
		for (int i = 0; i < 1000 && answer.statusCode() == 401; i++) {
			answer = send(guess);
		}
		return answer;
	}

	/** A console sign-in with this key in its body. */
	private static Call signInCall(String path, String key) {
		return call("POST", path, null, "{\"key\":\"" + key + "\"}");
	}

	/**
	 * The call with the cookie of a new console sign-in, and its CSRF token when
	 * {@code csrf}.
	 */
	private Call signedIn(Call call, boolean csrf) {
		HttpResponse<String> answer = send(signInCall("/ops/console/sign-in", OPS_KEY));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
		Call withCookie = call.header("Cookie", cookie.substring(0, cookie.indexOf(';')));
		return csrf ? withCookie.header("X-CSRF-Token", json(answer).path("csrfToken").asString()) : withCookie;
	}

	private static Call call(String method, String path, @Nullable String key, @Nullable String body) {
		return new Call(method, path, key, body, (body != null) ? "application/json" : null, Map.of());
	}

	/** The path with its variables filled in; an ops id names a session seeded for it. */
	private String concrete(String template) {
		String path = template.replace("{projectId}", "proj-a").replace("{sessionId}", "doc-1");
		if (path.startsWith("/leases/")) {
			path = path.replace("{id}", this.leases.grant("orders-service", Duration.ofSeconds(30)).id());
		}
		if (path.contains("{id}")) {
			path = path.replace("{id}", String.valueOf(seedActive("pathors", "proj-a", "doc-1", "orders-service")));
		}
		return path;
	}

	/**
	 * Makes the request that should get {@code status} as {@code type} (empty for an
	 * answer without a body).
	 */
	private HttpResponse<String> produce(Route route, String template, int status, String type) {
		boolean problem = type.equals("application/problem+json");
		String path = concrete(template);
		Function<String, HttpResponse<String>> own = route.own().get((status + " " + type).strip());
		if (own != null) {
			return own.apply(path);
		}
		Call valid = route.valid().apply(path);
		if (status == 401) {
			return send(valid.key(null));
		}
		if (status == 403) {
			return send(valid.key(route.forbiddenKey()));
		}
		if (status == 400 && problem) {
			return send(route.invalid().apply(path));
		}
		if (status == 413) {
			return send(valid.body(BIG));
		}
		if (status == 415) {
			return send(valid.type("text/plain"));
		}
		if (status == 404 && problem) {
			return send(route.valid().apply(path.replaceFirst("/\\d+", "/999999")));
		}
		if (status == 409 && problem) {
			seedActive("pathors", "proj-a", "doc-1", "orders-service");
			return send(valid);
		}
		if (status == 503) {
			return withoutTheLedger(() -> send(valid));
		}
		if (route.provider() != null) {
			answer(route.provider(), status, route.reply());
		}
		return send(valid);
	}

	/** What the provider answers for the gateway to give {@code status}. */
	private static void answer(WireMockServer provider, int status, String reply) {
		var response = aResponse().withHeader("Content-Type", "application/json");
		response = switch (status) {
			case 200, 201 -> response.withStatus(status).withBody(reply);
			case 202 -> response.withStatus(500);
			case 429 -> response.withStatus(429);
			case 502 -> response.withStatus(400).withHeader("Content-Type", "text/html").withBody("<h1>internal</h1>");
			case 504 -> response.withStatus(200).withBody(reply).withFixedDelay(1500);
			default -> response.withStatus(status).withBody(PROVIDER_ERROR);
		};
		provider.stubFor(any(anyUrl()).willReturn(response));
	}

	/**
	 * The session tables are out of reach while the request runs, as when the database
	 * fails.
	 */
	private HttpResponse<String> withoutTheLedger(Supplier<HttpResponse<String>> request) {
		this.jdbc.execute("alter table tracked_session rename to tracked_session_away");
		this.jdbc.execute("alter table lease rename to lease_away");
		try {
			return request.get();
		}
		finally {
			this.jdbc.execute("alter table lease_away rename to lease");
			this.jdbc.execute("alter table tracked_session_away rename to tracked_session");
		}
	}

	private HttpResponse<String> send(Call call) {
		return send(this.port, call.method(), call.path(), call.key(), call.body(), call.type(), call.headers());
	}

	@Test
	void everyDescribedAnswerIsOneTheGatewayGives() {
		JsonNode document = json(read("/v3/api-docs", null));
		Map<String, Route> routes = routes();
		List<String> failures = new ArrayList<>();
		int checked = 0;
		for (var path : document.path("paths").properties()) {
			for (var operation : path.getValue().properties()) {
				String operationId = operation.getValue().path("operationId").asString().replace("Legacy", "");
				String route = operation.getKey().toUpperCase() + " " + path.getKey();
				Route driver = routes.get(operationId);
				if (driver == null) {
					failures.add(route + " (" + operationId + "): this test has no way to call it");
					continue;
				}
				for (var response : operation.getValue().path("responses").properties()) {
					List<String> types = new ArrayList<>();
					response.getValue().path("content").properties().forEach((content) -> types.add(content.getKey()));
					if (types.isEmpty()) {
						types.add(NO_BODY);
					}
					for (String type : types) {
						cleanSlate();
						int status = Integer.parseInt(response.getKey());
						HttpResponse<String> answer = produce(driver, path.getKey(), status, type);
						String failure = mismatch(answer, status, type,
								response.getValue().path("description").asString());
						if (failure != null) {
							failures.add((route + " " + status + " " + type).strip() + ": " + failure);
						}
						checked++;
					}
				}
			}
		}
		assertThat(failures).isEmpty();
		assertThat(checked).as("answers checked").isGreaterThan(100);
	}

	/** What is wrong with an answer, or null when it is the one described. */
	private static @Nullable String mismatch(HttpResponse<String> answer, int status, String type, String description) {
		String actualType = answer.headers().firstValue("Content-Type").orElse("");
		if (answer.statusCode() != status || !actualType.startsWith(type)) {
			return "got " + answer.statusCode() + " " + actualType + ": " + answer.body();
		}
		if (type.equals(NO_BODY)) {
			return (actualType.isEmpty() && answer.body().isEmpty()) ? null
					: "a body where none is described: " + actualType + " " + answer.body();
		}
		if (!type.endsWith("json")) {
			return null;
		}
		JsonNode body = JSON.readTree(answer.body());
		if (type.equals("application/problem+json")) {
			String code = body.path("code").asString();
			if (!description.contains("`" + code + "`")) {
				return "its code " + code + " is not among the described ones";
			}
		}
		else if (!body.isObject()) {
			return "not a JSON object: " + answer.body();
		}
		return null;
	}

}
