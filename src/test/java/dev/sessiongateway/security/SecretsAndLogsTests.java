package dev.sessiongateway.security;

import java.net.http.HttpResponse;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every logger at DEBUG, traffic of every kind (successes, refusals, provider
 * failures, provider answers that echo a key) leaves no credential in any log line,
 * answer, metric, actuator output or database row; and no request value can forge a log
 * line.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "logging.level.root=DEBUG", "logging.level.org.apache.hc=DEBUG",
		"logging.level.org.springframework=DEBUG", "logging.level.org.hibernate.orm.jdbc.bind=TRACE",
		"logging.level.dev.sessiongateway=DEBUG", "logging.level.com.github.tomakehurst=INFO",
		"logging.level.org.eclipse.jetty=INFO", "logging.level.wiremock=INFO" })
class SecretsAndLogsTests extends GatewayTestSupport {

	private void traffic() {
		String pathors = "/pathors/v1/projects/proj-a/sessions";
		String ownKey = "/pathors/v1/projects/proj-own-key/sessions";
		GatewayTestSupport.pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\",\"pathwayId\":\"p\"}")));
		GatewayTestSupport.pathors.stubFor(post(urlEqualTo("/v1/projects/proj-own-key/sessions")).willReturn(
				aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"key " + PROJECT_KEY + " revoked\"}}")));
		GatewayTestSupport.pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(500).withBody("{\"error\":\"db down, key " + PATHORS_KEY + "\"}")));
		GatewayTestSupport.pathors.stubFor(get(urlPathMatching("/v1/projects/proj-a/sessions/.*")).willReturn(
				aResponse().withStatus(404).withBody("{\"error\":\"no such session, you used " + PATHORS_KEY + "\"}")));
		GatewayTestSupport.konpro
			.stubFor(any(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		send("POST", pathors, SERVICE_KEY, "{\"session_id\":\"s-1\",\"variables\":{\"a\":1}}");
		send("POST", ownKey, SERVICE_KEY, "{\"session_id\":\"s-2\"}");
		read(pathors + "/s-1", SERVICE_KEY);
		send("DELETE", pathors, SERVICE_KEY, "{\"session_id\":\"s-1\"}");
		send("POST", "/konpro/v1/widget/sessions", SERVICE_KEY, "{\"agentic_avatar_id\":\"a\"}");
		send("DELETE", "/konpro/v1/widget/sessions/k-1", SERVICE_KEY, null);
		send("POST", pathors, LIMITED_KEY, "{\"session_id\":\"s-3\"}");
		send("POST", pathors, SERVICE_KEY + "x", "{\"session_id\":\"s-3\"}");
		send("POST", pathors, OPS_KEY, "{\"session_id\":\"s-3\"}");
		send("POST", "/webhooks/pathors/projects/proj-a", WEBHOOK_SECRET,
				"{\"event\":\"session.ended\",\"sessionId\":\"s-1\"}");
		send("POST", "/webhooks/pathors/projects/proj-a", WEBHOOK_SECRET + "x", "{\"event\":\"session.ended\"}");
		send("POST", pathors, SERVICE_KEY, "{\"session_id\":\"a\",\"session_id\":\"b\"}");
		read("/ops/sessions?status=ENDING&status=FAILED&status=ACTIVE", OPS_KEY);
		read("/ops/sessions/stats", OPS_KEY);
	}

	@Test
	void noCredentialAppearsInLogsAnswersMetricsOrRows(CapturedOutput output) {
		traffic();

		String actuator = read("/actuator/prometheus", OPS_KEY).body() + read("/actuator/metrics", OPS_KEY).body()
				+ read("/actuator/metrics/http.client.requests", OPS_KEY).body()
				+ read("/actuator/health", OPS_KEY).body() + read("/actuator/info", OPS_KEY).body();
		assertThat(actuator).contains("gateway_sessions");
		assertNoSecretIn("actuator output", actuator);
		assertNoSecretIn("log output", output.getAll());
		assertNoSecretIn("session rows", this.jdbc.queryForList("select * from tracked_session").toString()
				+ this.jdbc.queryForList("select * from session_transition"));
		assertThat(output.getAll()).as("the DEBUG traffic was logged").contains("DEBUG");
		assertThat(allSessions()).isNotEmpty();
	}

	@Test
	void requestValuesCannotForgeLogLines(CapturedOutput output) {
		HttpResponse<String> response = read("/ops/sessions?limit=1%0D%0A2026-01-01T00:00:00Z%20%20INFO%20FORGED-LINE",
				OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(output.getAll()).contains("FORGED-LINE");
		assertThat(output.getAll().lines()).noneMatch((line) -> line.startsWith("2026-01-01T00:00:00Z"));
	}

	@Test
	void lineBreaksInAnyLoggedMessageAreFolded(CapturedOutput output) {
		org.slf4j.LoggerFactory.getLogger(SecretsAndLogsTests.class)
			.warn("value from a request: {}", "x\r\n2026-01-01T00:00:00Z  INFO FORGED\u2028ALSO-FORGED");

		assertThat(output.getAll()).contains("    2026-01-01T00:00:00Z  INFO FORGED");
		assertThat(output.getAll().lines()).noneMatch((line) -> line.startsWith("2026-01-01T00:00:00Z"))
			.noneMatch((line) -> line.startsWith("ALSO-FORGED"));
	}

	@Test
	void aRequestIdThatCouldForgeAHeaderOrLogLineIsReplaced() throws Exception {
		var request = java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/ops/sessions"))
			.header("Authorization", "Bearer " + OPS_KEY)
			.header("X-Request-Id", "forged id; level=INFO \"x\"")
			.build();

		HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
			.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
		HttpResponse<String> kept = read("/ops/sessions", OPS_KEY);
		assertThat(kept.headers().firstValue("X-Request-Id")).isPresent();
	}

}
