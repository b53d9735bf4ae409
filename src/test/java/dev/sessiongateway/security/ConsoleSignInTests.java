package dev.sessiongateway.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in to the ops console with an ops key: a cookie no script can read, a CSRF
 * token that every state-changing request must carry, sign-ins kept in the database and
 * ended there, and header keys working as before.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleSignInTests extends GatewayTestSupport {

	private static final HttpClient http = HttpClient.newHttpClient();

	/** A browser's sign-in: the cookie's token and the CSRF token the page was given. */
	record Browser(String token, String csrfToken, HttpResponse<String> answer) {
	}

	@Autowired
	ConsoleSignInLimits limits;

	@BeforeEach
	void noSignIns() {
		this.jdbc.update("delete from console_session");
	}

	private HttpResponse<String> call(String method, String path, Map<String, String> headers, @Nullable String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		headers.forEach(request::header);
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertNoSecretIn(method + " " + path, response.headers() + response.body());
			return response;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<String> signInAnswer(String key) {
		return call("POST", "/ops/console/sign-in", Map.of("Content-Type", "application/json"),
				"{\"key\":\"" + key + "\"}");
	}

	/**
	 * A sign-in from this client address, as a proxy in front of the gateway names it.
	 */
	private HttpResponse<String> signInAnswer(String key, String from) {
		return call("POST", "/ops/console/sign-in", Map.of("Content-Type", "application/json", "X-Forwarded-For", from),
				"{\"key\":\"" + key + "\"}");
	}

	private Browser signIn() {
		HttpResponse<String> answer = signInAnswer(OPS_KEY);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
		String token = cookie.substring("gateway_console=".length(), cookie.indexOf(';'));
		return new Browser(token, json(answer).path("csrfToken").asString(), answer);
	}

	private HttpResponse<String> withCookie(String method, String path, Browser browser, @Nullable String csrfToken) {
		Map<String, String> headers = (csrfToken != null)
				? Map.of("Cookie", "gateway_console=" + browser.token(), "X-CSRF-Token", csrfToken)
				: Map.of("Cookie", "gateway_console=" + browser.token());
		return call(method, path, headers, null);
	}

	private Map<String, Object> row() {
		return this.jdbc.queryForMap("select * from console_session");
	}

	@Test
	void anOpsKeySignsInWithAnHttpOnlyStrictCookieScopedToOps() {
		Browser browser = signIn();

		String cookie = browser.answer().headers().firstValue("Set-Cookie").orElseThrow();
		assertThat(cookie).startsWith("gateway_console=")
			.contains("; Path=/ops")
			.contains("; HttpOnly")
			.contains("; SameSite=Strict")
			.doesNotContain("Secure")
			.doesNotContain("Max-Age");
		assertThat(browser.token()).hasSizeGreaterThanOrEqualTo(43);
		JsonNode body = json(browser.answer());
		assertThat(body.path("client").asString()).isEqualTo("ops-team");
		assertThat(body.path("csrfToken").asString()).isNotBlank().isNotEqualTo(browser.token());
		assertThat(body.toString()).doesNotContain(browser.token());
		assertThat(withCookie("GET", "/ops/console/session", browser, null).body())
			.contains("\"csrfToken\":\"" + browser.csrfToken() + "\"");
	}

	@Test
	void theDatabaseHoldsOnlyAHashOfTheTokenAndNeitherKeyNorCsrfToken() {
		Browser browser = signIn();

		Map<String, Object> row = row();
		assertThat(row.get("token_sha256")).isEqualTo(HexFormat.of().formatHex(ClientKeys.sha256(browser.token())));
		assertThat(row.get("client")).isEqualTo("ops-team");
		assertThat(row.toString()).doesNotContain(browser.token()).doesNotContain(browser.csrfToken());
		assertNoSecretIn("console_session", row.toString());
	}

	@Test
	void theCookieAloneReadsOpsRoutesButNothingOutsideThem() {
		Browser browser = signIn();
		seedActive("pathors", "proj-a", "s-1", "orders-service");

		assertThat(withCookie("GET", "/ops/sessions", browser, null).body()).contains("\"s-1\"");
		assertThat(withCookie("GET", "/ops/sessions/stats", browser, null).statusCode()).isEqualTo(200);
		assertProblem(withCookie("GET", "/actuator/prometheus", browser, null), 401, "UNAUTHENTICATED");
		assertProblem(withCookie("GET", "/pathors/v1/projects/proj-a/sessions/s-1", browser, null), 401,
				"UNAUTHENTICATED");
	}

	@Test
	void aForgedForceEndWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
		Browser browser = signIn();
		long id = seedActive("pathors", "proj-a", "s-1", "orders-service");
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":true}")));

		assertProblem(withCookie("POST", "/ops/sessions/" + id + "/end", browser, null), 403, "FORBIDDEN");
		assertProblem(withCookie("POST", "/ops/sessions/" + id + "/end", browser, "not-the-token"), 403, "FORBIDDEN");
		assertProblem(withCookie("POST", "/ops/sessions/" + id + "/end", browser, browser.token()), 403, "FORBIDDEN");
		assertThat(pathors.getAllServeEvents()).isEmpty();
		assertThat(this.sessions.find(id).orElseThrow().status()).hasToString("ACTIVE");

		HttpResponse<String> ended = withCookie("POST", "/ops/sessions/" + id + "/end", browser, browser.csrfToken());

		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(json(ended).path("status").asString()).isEqualTo("ENDED");
		JsonNode history = json(read("/ops/sessions/" + id, OPS_KEY)).path("history");
		assertThat(history.get(history.size() - 2).path("actor").asString()).isEqualTo("ops:ops-team");
	}

	@Test
	void aForgedSignOutIsRefusedAndTheSignInGoesOn() {
		Browser browser = signIn();

		assertProblem(withCookie("POST", "/ops/console/sign-out", browser, null), 403, "FORBIDDEN");

		assertThat(withCookie("GET", "/ops/sessions", browser, null).statusCode()).isEqualTo(200);
	}

	@Test
	void signOutEndsTheSignInOnTheServerAndDropsTheCookie() {
		Browser browser = signIn();

		HttpResponse<String> out = withCookie("POST", "/ops/console/sign-out", browser, browser.csrfToken());

		assertThat(out.statusCode()).isEqualTo(204);
		assertThat(out.headers().firstValue("Set-Cookie"))
			.hasValueSatisfying((cookie) -> assertThat(cookie).startsWith("gateway_console=;")
				.contains("Max-Age=0")
				.contains("Path=/ops"));
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
		assertProblem(withCookie("GET", "/ops/sessions", browser, null), 401, "UNAUTHENTICATED");
		assertProblem(withCookie("GET", "/ops/console/session", browser, null), 401, "UNAUTHENTICATED");
	}

	@Test
	void aWrongKeyAndAKeyWithoutTheOpsRoleCannotSignIn() {
		HttpResponse<String> unknown = signInAnswer("not-a-key-anyone-has");
		HttpResponse<String> service = signInAnswer(SERVICE_KEY);

		assertProblem(unknown, 401, "UNAUTHENTICATED");
		assertProblem(service, 403, "FORBIDDEN");
		assertThat(unknown.headers().firstValue("Set-Cookie")).isEmpty();
		assertThat(service.headers().firstValue("Set-Cookie")).isEmpty();
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
	}

	@Test
	void aBurstOfWrongKeysIsRefusedPastTheLimitWhileAnotherAddressSignsIn() {
		List<Integer> statuses = new ArrayList<>();
		HttpResponse<String> refused = null;
		for (int i = 0; i < 40; i++) {
			HttpResponse<String> answer = signInAnswer("guess-" + i, "203.0.113.7");
			statuses.add(answer.statusCode());
			if (answer.statusCode() == 429) {
				refused = answer;
			}
		}

		// gateway.console.sign-in-limit.per-source: 10 a minute
		assertThat(statuses.subList(0, 10)).containsOnly(401);
		assertThat(statuses.stream().filter((status) -> status == 429).count()).isGreaterThanOrEqualTo(28);
		assertThat(refused).isNotNull();
		assertProblem(refused, 429, "SIGN_IN_LIMIT_REACHED");
		assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
		assertProblem(signInAnswer(OPS_KEY, "203.0.113.7"), 429, "SIGN_IN_LIMIT_REACHED");
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
		HttpResponse<String> elsewhere = signInAnswer(OPS_KEY, "198.51.100.23");
		assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(200);
	}

	@Test
	void successfulSignInsDoNotUseTheAllowance() {
		for (int i = 0; i < 25; i++) {
			assertThat(signInAnswer(OPS_KEY, "192.0.2.61").statusCode()).isEqualTo(200);
		}

		assertProblem(signInAnswer("a-wrong-key", "192.0.2.61"), 401, "UNAUTHENTICATED");
	}

	@Test
	void failedSignInsAreLoggedOncePerAddressWithTheirCountNotOncePerAttempt(CapturedOutput output) {
		for (int i = 0; i < 30; i++) {
			signInAnswer("guess-" + i, "203.0.113.44");
		}
		signInAnswer(SERVICE_KEY, "203.0.113.45");

		this.limits.report();

		List<String> lines = output.getAll()
			.lines()
			.filter((line) -> line.contains("sign-in") || line.contains("203.0.113.4"))
			.toList();
		assertThat(lines).filteredOn((line) -> line.contains("203.0.113.44"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains(" WARN ")
				.contains("Console sign-ins refused from 203.0.113.44 in the last 60 s: 30 (10 with a key that "
						+ "matches no client, 20 over the limit)"));
		assertThat(lines).filteredOn((line) -> line.contains("203.0.113.45"))
			.singleElement()
			.satisfies(
					(line) -> assertThat(line).contains(" INFO ").contains(": 1 (1 with a key without the ops role)"));
		assertThat(output.getAll()).doesNotContain("Console sign-in refused").doesNotContain(SERVICE_KEY);
	}

	@Test
	void theKeyIsTakenOnlyFromAJsonBody() {
		String form = "key=" + OPS_KEY;
		HttpResponse<String> formPost = call("POST", "/ops/console/sign-in",
				Map.of("Content-Type", "application/x-www-form-urlencoded"), form);
		HttpResponse<String> textPost = call("POST", "/ops/console/sign-in", Map.of("Content-Type", "text/plain"),
				"{\"key\":\"" + OPS_KEY + "\"}");
		HttpResponse<String> inQuery = call("POST", "/ops/console/sign-in?key=" + OPS_KEY,
				Map.of("Content-Type", "application/json"), "{}");

		assertThat(formPost.statusCode()).isEqualTo(415);
		assertThat(textPost.statusCode()).isEqualTo(415);
		assertProblem(inQuery, 400, "VALIDATION_FAILED");
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
	}

	@Test
	void aSignInAskedForAnAnswerItCannotGiveSignsNobodyIn() {
		HttpResponse<String> answer = call("POST", "/ops/console/sign-in",
				Map.of("Content-Type", "application/json", "Accept", "text/csv"), "{\"key\":\"" + OPS_KEY + "\"}");

		assertProblem(answer, 406, "NOT_ACCEPTABLE");
		assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
	}

	@Test
	void aSignInUnusedPastItsIdleTimeoutHasEnded() {
		Browser browser = signIn();
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(Instant.now().minusSeconds(1)));

		assertProblem(withCookie("GET", "/ops/sessions", browser, null), 401, "UNAUTHENTICATED");
	}

	@Test
	void useMovesTheIdleTimeoutOnButNeverPastTheLifetime() {
		Browser browser = signIn();
		Instant soon = Instant.now().plus(Duration.ofMinutes(2));
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(soon));

		assertThat(withCookie("GET", "/ops/sessions", browser, null).statusCode()).isEqualTo(200);
		Instant moved = ((Timestamp) this.jdbc.queryForObject("select idle_until from console_session",
				(rs, n) -> rs.getTimestamp(1)))
			.toInstant();
		assertThat(moved).isAfter(Instant.now().plus(Duration.ofMinutes(29)));

		Instant end = Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS);
		this.jdbc.update("update console_session set idle_until = ?, expires_at = ?", Timestamp.from(soon),
				Timestamp.from(end));
		assertThat(withCookie("GET", "/ops/sessions", browser, null).statusCode()).isEqualTo(200);
		Instant capped = this.jdbc.queryForObject("select idle_until from console_session",
				(rs, n) -> rs.getTimestamp(1).toInstant());
		assertThat(capped).isEqualTo(end);
	}

	@Test
	void theConsolesOwnRefreshesDoNotMoveTheIdleTimeoutOnButUseDoes() {
		Browser browser = signIn();
		long id = seedActive("pathors", "proj-a", "s-1", "orders-service");
		Instant soon = Instant.now().plus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.MICROS);
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(soon));
		Map<String, String> automatic = Map.of("Cookie", "gateway_console=" + browser.token(), "X-Console-Refresh",
				"auto");

		for (String path : new String[] { "/ops/sessions", "/ops/sessions/stats", "/ops/sessions/" + id,
				"/ops/console/session" }) {
			assertThat(call("GET", path, automatic, null).statusCode()).as(path).isEqualTo(200);
		}

		assertThat(idleUntil()).isEqualTo(soon);
		assertThat(withCookie("GET", "/ops/sessions", browser, null).statusCode()).isEqualTo(200);
		assertThat(idleUntil()).isAfter(Instant.now().plus(Duration.ofMinutes(29)));
	}

	@Test
	void aChangeMarkedAsTheConsolesOwnRefreshIsStillUse() {
		Browser browser = signIn();
		Instant soon = Instant.now().plus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.MICROS);
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(soon));

		HttpResponse<String> refused = call("POST", "/ops/sessions/999999/end", Map.of("Cookie",
				"gateway_console=" + browser.token(), "X-CSRF-Token", browser.csrfToken(), "X-Console-Refresh", "auto"),
				null);

		assertProblem(refused, 404, "NOT_FOUND");
		assertThat(idleUntil()).isAfter(Instant.now().plus(Duration.ofMinutes(29)));
	}

	@Test
	void aSignInLeftToTheConsolesOwnRefreshesEndsAtItsIdleTimeout() throws InterruptedException {
		Browser browser = signIn();
		Instant idle = Instant.now().plusSeconds(1);
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(idle));
		Map<String, String> automatic = Map.of("Cookie", "gateway_console=" + browser.token(), "X-Console-Refresh",
				"auto");
		assertThat(call("GET", "/ops/sessions", automatic, null).statusCode()).isEqualTo(200);

		Thread.sleep(Math.max(0, Duration.between(Instant.now(), idle).toMillis()) + 100);

		assertProblem(call("GET", "/ops/sessions", automatic, null), 401, "UNAUTHENTICATED");
	}

	private Instant idleUntil() {
		return this.jdbc.queryForObject("select idle_until from console_session",
				(rs, n) -> rs.getTimestamp(1).toInstant());
	}

	@Test
	void aSignInWhoseKeyIsNoLongerConfiguredHasEnded() {
		Browser browser = signIn();
		this.jdbc.update("update console_session set key_ref = ?", "0".repeat(64));

		assertProblem(withCookie("GET", "/ops/sessions", browser, null), 401, "UNAUTHENTICATED");
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
	}

	@Test
	void headerKeysWorkAsBeforeWithoutCsrfToken() {
		long id = seedActive("pathors", "proj-a", "s-1", "orders-service");
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":true}")));

		assertThat(read("/ops/sessions", OPS_KEY).statusCode()).isEqualTo(200);
		HttpResponse<String> ended = send("POST", "/ops/sessions/" + id + "/end", OPS_KEY, null);

		assertThat(ended.statusCode()).isEqualTo(200);
		assertProblem(read("/ops/console/session", OPS_KEY), 401, "UNAUTHENTICATED");
	}

}
