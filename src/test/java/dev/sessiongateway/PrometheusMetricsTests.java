package dev.sessiongateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.tracking.EndClaim;
import dev.sessiongateway.tracking.SessionUpkeep;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code /actuator/prometheus} shows after real traffic: every meter described, the
 * ledger's gauges, opens and ends by provider and outcome, end attempts in-line and in
 * the background, provider call latency, the circuit, webhook deliveries and deprecation
 * notices; and no label that grows with the sessions.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "gateway.konpro.circuit-failure-threshold=2", "gateway.konpro.circuit-open-for=1h" })
class PrometheusMetricsTests extends GatewayTestSupport {

	private static final String PATHORS = "/pathors/v1/projects/proj-a/sessions";

	private static final String SESSION_S1 = "/v1/projects/proj-a/sessions/metrics-s-1";

	@Autowired
	private SessionUpkeep upkeep;

	@Autowired
	private PrometheusScrapeEndpoint scrapeEndpoint;

	/** The scrape, as series (name and labels) to value. */
	private Map<String, Double> scrape() {
		HttpResponse<String> response = read("/actuator/prometheus", OPS_KEY);
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, Double> series = new HashMap<>();
		response.body().lines().filter((line) -> !line.startsWith("#") && !line.isBlank()).forEach((line) -> {
			int space = line.lastIndexOf(' ');
			series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
		});
		return series;
	}

	private double value(String series) {
		return scrape().getOrDefault(series, 0.0);
	}

	/**
	 * Scrapes until the series shows what is expected: gauges show counts taken a moment
	 * ago.
	 */
	private Map<String, Double> scrapeUntil(Predicate<Map<String, Double>> expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Map<String, Double> series = scrape();
		while (!expected.test(series) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			series = scrape();
		}
		return series;
	}

	private void pathorsAnswers(String sessionId, int status) {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.withRequestBody(equalToJson("{\"session_id\":\"" + sessionId + "\"}", true, true))
			.willReturn(aResponse().withStatus(status).withBody("{\"sessionId\":\"" + sessionId + "\"}")));
	}

	private int open(String sessionId) {
		return send("POST", PATHORS, SERVICE_KEY, "{\"session_id\":\"" + sessionId + "\"}").statusCode();
	}

	private int end(String sessionId) {
		return send("DELETE", PATHORS, SERVICE_KEY, "{\"session_id\":\"" + sessionId + "\"}").statusCode();
	}

	@Test
	void everyMeterIsDescribedAndNoLabelGrowsWithTheSessions() {
		pathorsAnswers("metrics-s-1", 201);
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)));
		assertThat(open("metrics-s-1")).isEqualTo(201);
		assertThat(end("metrics-s-1")).isEqualTo(200);
		read("/ops/sessions?client=orders-service&sessionId=metrics-s-1", OPS_KEY);
		pathors.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo(SESSION_S1))
			.willReturn(aResponse().withStatus(200).withBody("{\"sessionId\":\"metrics-s-1\"}")));
		read("/pathors" + SESSION_S1, SERVICE_KEY);
		read("/nothing/metrics-random-path", SERVICE_KEY);
		read("/pathors" + SESSION_S1, null);

		String body = read("/actuator/prometheus", OPS_KEY).body();

		List<String> help = body.lines().filter((line) -> line.startsWith("# HELP ")).toList();
		assertThat(help).isNotEmpty()
			.allSatisfy((line) -> assertThat(line.split(" ", 4)).as(line)
				.hasSize(4)
				.satisfies((parts) -> assertThat(parts[3]).as(line).isNotBlank()));
		assertThat(help).extracting((line) -> line.split(" ")[2])
			.contains("gateway_sessions_live", "gateway_sessions_end_backlog", "gateway_sessions_end_overdue",
					"gateway_sessions_oldest_active_age_seconds", "gateway_sessions_opens_total",
					"gateway_sessions_ends_total", "gateway_sessions_end_attempts_total",
					"gateway_upstream_calls_seconds", "gateway_webhooks_deliveries_total",
					"resilience4j_circuitbreaker_state", "http_server_requests_seconds")
			.noneMatch((name) -> name.startsWith("spring_security") || name.startsWith("tomcat_sessions")
					|| name.startsWith("jdbc_connections") || name.endsWith("_active_seconds"));
		assertThat(body).doesNotContain("metrics-s-1")
			.doesNotContain("metrics-random-path")
			.doesNotContain("orders-service")
			.doesNotContain("proj-a");
		assertThat(body).contains("uri=\"/pathors/v1/projects/{projectId}/sessions\"");
		assertThat(this.scrapeEndpoint).isInstanceOf(MetricsConfiguration.PlatformThreadScrape.class);
		System.out.println("scrape after a few requests: " + body.length() + " bytes, " + body.lines().count()
				+ " lines, " + help.size() + " meters");
	}

	@Test
	void opensAndEndsAreCountedByProviderAndOutcome() {
		Map<String, Double> before = scrape();
		pathorsAnswers("s-1", 201);
		pathorsAnswers("s-2", 422);
		pathorsAnswers("s-3", 500);
		pathorsAnswers("s-4", 201);
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-own-key/sessions"))
			.willReturn(aResponse().withStatus(401).withBody("{}")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)));

		assertThat(open("s-1")).isEqualTo(201);
		assertThat(open("s-1")).isEqualTo(409);
		assertThat(open("s-2")).isEqualTo(422);
		assertThat(open("s-3")).isEqualTo(502);
		assertThat(send("POST", "/pathors/v1/projects/proj-own-key/sessions", SERVICE_KEY, "{\"session_id\":\"s-5\"}")
			.statusCode()).isEqualTo(502);
		assertThat(end("s-1")).isEqualTo(200);
		assertThat(end("never-opened")).isEqualTo(200);
		assertThat(open("s-4")).isEqualTo(201);
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(503)));
		assertThat(end("s-4")).isEqualTo(202);
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)));
		this.jdbc.update("update tracked_session set next_attempt_at = ? where status = 'ENDING'",
				Timestamp.from(Instant.now().minusSeconds(1)));
		List<EndClaim> claims = this.upkeep.claimDueEnds(10, Duration.ofMinutes(1));
		claims.forEach(this.upkeep::attempt);

		Map<String, Double> after = scrape();
		String opens = "gateway_sessions_opens_total{outcome=\"%s\",provider=\"pathors\"}";
		assertThat(delta(before, after, opens.formatted("confirmed"))).isEqualTo(2);
		assertThat(delta(before, after, opens.formatted("duplicate"))).isEqualTo(1);
		assertThat(delta(before, after, opens.formatted("refused"))).isEqualTo(1);
		assertThat(delta(before, after, opens.formatted("uncertain"))).isEqualTo(1);
		assertThat(delta(before, after, opens.formatted("failed"))).isEqualTo(1);
		assertThat(delta(before, after,
				"gateway_sessions_open_uncertain_total{action=\"compensate\",provider=\"pathors\"}"))
			.isEqualTo(1);
		String ends = "gateway_sessions_ends_total{outcome=\"%s\",provider=\"pathors\"}";
		assertThat(delta(before, after, ends.formatted("ended"))).isEqualTo(2);
		assertThat(delta(before, after, ends.formatted("pending"))).isEqualTo(1);
		assertThat(delta(before, after, "gateway_sessions_untracked_ends_total{provider=\"pathors\"}")).isEqualTo(1);
		String attempts = "gateway_sessions_end_attempts_total{mode=\"%s\",outcome=\"%s\",provider=\"pathors\"}";
		assertThat(delta(before, after, attempts.formatted("inline", "confirmed"))).isEqualTo(2);
		assertThat(delta(before, after, attempts.formatted("inline", "failed"))).isEqualTo(1);
		assertThat(claims).as("s-4 and the compensation of s-3").hasSize(2);
		assertThat(delta(before, after, attempts.formatted("background", "confirmed"))).isEqualTo(2);
		String calls = "gateway_upstream_calls_seconds_count{operation=\"%s\",outcome=\"%s\",provider=\"pathors\"}";
		assertThat(delta(before, after, calls.formatted("create", "success"))).isEqualTo(2);
		assertThat(delta(before, after, calls.formatted("create", "client_error"))).isEqualTo(1);
		assertThat(delta(before, after, calls.formatted("create", "server_error"))).isEqualTo(1);
		assertThat(delta(before, after, calls.formatted("create", "rejected_credentials"))).isEqualTo(1);
		assertThat(delta(before, after, calls.formatted("end", "success"))).isEqualTo(4);
		assertThat(delta(before, after, calls.formatted("end", "server_error"))).isEqualTo(1);
		assertThat(after).containsKey(
				"gateway_upstream_calls_seconds_bucket{operation=\"create\",outcome=\"success\",provider=\"pathors\",le=\"0.25\"}");
	}

	private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
		return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
	}

	@Test
	void aFailingProviderIsTimedByCauseAndItsCircuitOpens() {
		konpro.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		Map<String, Double> before = scrape();
		String konproCreate = "/konpro/v1/widget/sessions";
		String body = "{\"agentic_avatar_id\":\"a\"}";

		assertProblem(send("POST", konproCreate, SERVICE_KEY, body), 502, "UPSTREAM_UNAVAILABLE");
		assertProblem(send("POST", konproCreate, SERVICE_KEY, body), 502, "UPSTREAM_UNAVAILABLE");
		assertProblem(send("POST", konproCreate, SERVICE_KEY, body), 503, "CIRCUIT_OPEN");

		Map<String, Double> after = scrape();
		assertThat(delta(before, after,
				"gateway_upstream_calls_seconds_count{operation=\"create\",outcome=\"reset\",provider=\"konpro\"}"))
			.isEqualTo(2);
		assertThat(after.get("resilience4j_circuitbreaker_state{name=\"konpro\",state=\"open\"}")).isEqualTo(1);
		assertThat(delta(before, after, "gateway_upstream_circuit_refused_total{provider=\"konpro\"}")).isEqualTo(1);
		assertThat(delta(before, after, "gateway_sessions_opens_total{outcome=\"uncertain\",provider=\"konpro\"}"))
			.isEqualTo(2);
		assertThat(delta(before, after, "gateway_sessions_opens_total{outcome=\"failed\",provider=\"konpro\"}"))
			.isEqualTo(1);
	}

	@Test
	void theGaugesShowTheLedger() throws InterruptedException {
		long oldest = seedActive("pathors", "proj-a", "g-1", "orders-service");
		seedActive("pathors", "proj-b", "g-2", "orders-service");
		seedActive("konpro", "test-account", "g-3", "orders-service");
		long flagged = seedEnding("pathors", "proj-a", "g-4", "orders-service");
		seedEnding("pathors", "proj-a", "g-5", "orders-service");
		this.jdbc.update("update tracked_session set created_at = ? where id = ?",
				Timestamp.from(Instant.now().minus(Duration.ofHours(2))), oldest);
		this.jdbc.update("update tracked_session set flagged_at = ? where id = ?", Timestamp.from(Instant.now()),
				flagged);

		Map<String, Double> expected = Map.of("gateway_sessions_live{provider=\"pathors\",status=\"ACTIVE\"}", 2.0,
				"gateway_sessions_live{provider=\"pathors\",status=\"ENDING\"}", 2.0,
				"gateway_sessions_live{provider=\"pathors\",status=\"OPENING\"}", 0.0,
				"gateway_sessions_live{provider=\"konpro\",status=\"ACTIVE\"}", 1.0, "gateway_sessions_end_backlog",
				2.0, "gateway_sessions_end_overdue", 1.0);

		// counted in the background a moment after the scrape that asked: one count may
		// straddle the changes above (the rows seeded, the oldest one's age not yet set),
		// the
		// next does not
		Map<String, Double> series = scrapeUntil((now) -> now.entrySet().containsAll(expected.entrySet())
				&& now.getOrDefault("gateway_sessions_oldest_active_age_seconds", 0.0) >= 7200.0);

		assertThat(series).containsAllEntriesOf(expected);
		assertThat(series.get("gateway_sessions_oldest_active_age_seconds")).isBetween(7200.0, 7300.0);
	}

	@Test
	void webhookDeliveriesAreCountedByOutcome() throws Exception {
		pathorsAnswers("w-1", 201);
		assertThat(open("w-1")).isEqualTo(201);
		Map<String, Double> before = scrape();

		assertThat(deliver(WEBHOOK_SECRET, "{\"event\":\"session.ended\",\"sessionId\":\"w-1\"}")).isEqualTo(200);
		assertThat(deliver(WEBHOOK_SECRET, "{\"event\":\"session.ended\",\"sessionId\":\"never-seen\"}"))
			.isEqualTo(200);
		assertThat(deliver(WEBHOOK_SECRET, "{\"event\":\"recording.ready\",\"sessionId\":\"w-1\"}")).isEqualTo(200);
		assertThat(deliver(WEBHOOK_SECRET + "x", "{\"event\":\"session.ended\",\"sessionId\":\"w-1\"}")).isEqualTo(401);
		assertThat(deliver(WEBHOOK_SECRET, "[1]")).isEqualTo(400);

		Map<String, Double> after = scrape();
		String deliveries = "gateway_webhooks_deliveries_total{outcome=\"%s\",provider=\"pathors\"}";
		for (String outcome : List.of("tracked", "unknown", "ignored", "refused", "invalid")) {
			assertThat(delta(before, after, deliveries.formatted(outcome))).as(outcome).isEqualTo(1);
		}
	}

	private int deliver(String secret, String body) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/webhooks/pathors/projects/proj-a"))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + secret)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Test
	void answersThatAnnounceADeprecationAreCountedAndWarnedAbout(CapturedOutput output) {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(201)
			.withHeader("Deprecation", "@1788000000")
			.withHeader("Sunset", "Sat, 01 May 2027 00:00:00 GMT")
			.withBody("{\"sessionId\":\"d-1\"}")));
		double before = value("gateway_upstream_deprecation_notices_total{operation=\"create\",provider=\"pathors\"}");

		assertThat(open("d-1")).isEqualTo(201);

		assertThat(value("gateway_upstream_deprecation_notices_total{operation=\"create\",provider=\"pathors\"}"))
			.isEqualTo(before + 1);
		assertThat(output.getAll()).contains("Pathors marks an API the gateway uses (create) as deprecated "
				+ "(Deprecation: @1788000000, Sunset: Sat, 01 May 2027 00:00:00 GMT)");
	}

}
