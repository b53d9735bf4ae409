package dev.sessiongateway;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.TrackedSession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's caps as it meets them: {@code capped-service} may hold 2 live Pathors
 * sessions and open 2 Konpro sessions a minute. Over a cap the answer is 429
 * {@code SESSION_LIMIT_REACHED} with the count and the cap, the draft's
 * {@code RateLimit-Policy} and {@code RateLimit} fields, and Retry-After where waiting
 * helps; the provider is not called and nothing stays recorded. An end frees a place. Ops
 * see each capped client's use against its caps.
 */
class SessionCapsRoutesTests extends GatewayTestSupport {

	private static final String PATHORS = "/pathors/v1/projects/proj-c/sessions";

	private static final String KONPRO = "/konpro/v1/widget/sessions";

	@BeforeEach
	void providers() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-c/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"{{jsonPath request.body '$.session_id'}}\",\"pathwayId\":\"pw\"}")
			.withTransformers("response-template")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-c/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"success\":true}")));
		konpro.stubFor(post(urlEqualTo("/v1/widget/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"data\":{\"session_id\":\"{{randomValue length=12 type='ALPHANUMERIC'}}\","
					+ "\"expires_at\":\"2030-01-01T00:00:00Z\"}}")
			.withTransformers("response-template")));
		konpro.stubFor(delete(urlPathMatching("/v1/widget/sessions/.*")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"Session terminated successfully\"}")));
	}

	private HttpResponse<String> openPathors(String sessionId) {
		return send("POST", PATHORS, CAPPED_KEY, "{\"session_id\":\"" + sessionId + "\"}");
	}

	private HttpResponse<String> openKonpro() {
		return send("POST", KONPRO, CAPPED_KEY, "{\"agentic_avatar_id\":\"avatar-1\"}");
	}

	private long live(String provider) {
		return allSessions().stream()
			.filter((s) -> s.provider().equals(provider))
			.map(TrackedSession::status)
			.filter((status) -> status == SessionStatus.OPENING || status == SessionStatus.ACTIVE
					|| status == SessionStatus.ENDING)
			.count();
	}

	@Test
	void theLiveCapRefusesTheOpenPastItWithTheCountTheCapAndTheDraftFields() {
		assertThat(openPathors("c-1").statusCode()).isEqualTo(200);
		assertThat(openPathors("c-2").statusCode()).isEqualTo(200);

		HttpResponse<String> refused = openPathors("c-3");

		assertProblem(refused, 429, "SESSION_LIMIT_REACHED");
		JsonNode problem = json(refused);
		assertThat(problem.path("limit").asString()).isEqualTo("max-live");
		assertThat(problem.path("current").asLong()).isEqualTo(2);
		assertThat(problem.path("cap").asLong()).isEqualTo(2);
		assertThat(refused.headers().firstValue("RateLimit-Policy"))
			.hasValue("\"live\";q=2;qu=\"concurrent-requests\"");
		assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"live\";r=0");
		assertThat(refused.headers().firstValue("Retry-After")).as("only an end frees a place").isEmpty();
		pathors.verify(2, postRequestedFor(urlEqualTo("/v1/projects/proj-c/sessions")));
		assertThat(allSessions()).hasSize(2);

		assertThat(send("DELETE", PATHORS, CAPPED_KEY, "{\"session_id\":\"c-1\"}").statusCode()).isEqualTo(200);
		assertThat(openPathors("c-3").statusCode()).isEqualTo(200);
		assertThat(live("pathors")).isEqualTo(2);
		assertProblem(openPathors("c-4"), 429, "SESSION_LIMIT_REACHED");
	}

	@Test
	void theOpensCapRefusesTheThirdOpenOfTheMinuteWithRetryAfter() {
		assertThat(openKonpro().statusCode()).isEqualTo(200);
		assertThat(openKonpro().statusCode()).isEqualTo(200);

		HttpResponse<String> refused = openKonpro();

		assertProblem(refused, 429, "SESSION_LIMIT_REACHED");
		assertThat(json(refused).path("limit").asString()).isEqualTo("opens-per-minute");
		assertThat(json(refused).path("cap").asLong()).isEqualTo(2);
		long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 30L);
		assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"opens\";q=2;w=60");
		assertThat(refused.headers().firstValue("RateLimit").orElseThrow())
			.matches("\"opens\";r=0;t=([1-9]|[1-5]\\d|60)");
		konpro.verify(2, postRequestedFor(urlEqualTo("/v1/widget/sessions")));
		assertThat(allSessions()).hasSize(2);

		// ends do not give opens back: the cap counts opens, not live sessions
		for (TrackedSession session : allSessions()) {
			send("DELETE", KONPRO + "/" + session.sessionId(), CAPPED_KEY, null);
		}
		assertProblem(openKonpro(), 429, "SESSION_LIMIT_REACHED");
	}

	@Test
	void clientsWithoutCapsAreNotCountedAndOtherClientsAreNotHeldBack() {
		assertThat(openPathors("c-1").statusCode()).isEqualTo(200);
		assertThat(openPathors("c-2").statusCode()).isEqualTo(200);
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"{{jsonPath request.body '$.session_id'}}\",\"pathwayId\":\"pw\"}")
			.withTransformers("response-template")));

		for (int i = 0; i < 5; i++) {
			assertThat(send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY,
					"{\"session_id\":\"free-" + i + "\"}")
				.statusCode()).isEqualTo(200);
		}
		assertThat(this.jdbc.queryForObject("select count(*) from client_usage where client = 'orders-service'",
				Long.class))
			.isZero();
	}

	@Test
	void opsStatsShowEachCappedClientsUseAgainstItsCaps() {
		openPathors("c-1");
		openKonpro();

		JsonNode limits = json(read("/ops/sessions/stats", OPS_KEY)).path("limits");

		assertThat(limits.size()).isEqualTo(2);
		JsonNode konproUse = limits.get(0);
		assertThat(konproUse.path("client").asString()).isEqualTo("capped-service");
		assertThat(konproUse.path("provider").asString()).isEqualTo("konpro");
		assertThat(konproUse.path("opensPerMinute").asInt()).isEqualTo(2);
		assertThat(konproUse.path("opensLeft").asInt()).isEqualTo(1);
		assertThat(konproUse.path("maxLive").asInt()).isZero();
		JsonNode pathorsUse = limits.get(1);
		assertThat(pathorsUse.path("provider").asString()).isEqualTo("pathors");
		assertThat(pathorsUse.path("live").asLong()).isEqualTo(1);
		assertThat(pathorsUse.path("maxLive").asInt()).isEqualTo(2);
	}

}
