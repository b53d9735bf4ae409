package dev.sessiongateway;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sessions-visible: own}: {@code audit-service} reads and ends only the sessions
 * it opened itself; another client's session, or one the gateway never tracked, is
 * answered 404 without a call to the provider. A client with the default ({@code scope})
 * keeps acting on every session in its scopes.
 */
class OwnSessionsTests extends GatewayTestSupport {

	private static final String SESSIONS = "/pathors/v1/projects/proj-a/sessions";

	@BeforeEach
	void providers() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"{{jsonPath request.body '$.session_id'}}\",\"pathwayId\":\"pw\"}")
			.withTransformers("response-template")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"success\":true}")));
	}

	private void open(String key, String sessionId) {
		assertThat(send("POST", SESSIONS, key, "{\"session_id\":\"" + sessionId + "\"}").statusCode()).isEqualTo(200);
	}

	@Test
	void aClientLimitedToItsOwnSessionsCannotReadOrEndAnothersNorAnUntrackedOne() {
		open(SERVICE_KEY, "theirs");
		pathors.resetRequests();

		assertProblem(read(SESSIONS + "/theirs", OWN_KEY), 404, "NOT_FOUND");
		assertProblem(send("DELETE", SESSIONS, OWN_KEY, "{\"session_id\":\"theirs\"}"), 404, "NOT_FOUND");
		assertProblem(send("POST", SESSIONS + "/terminate", OWN_KEY, "{\"session_id\":\"theirs\"}"), 404, "NOT_FOUND");
		assertProblem(send("DELETE", SESSIONS, OWN_KEY, "{\"session_id\":\"never-tracked\"}"), 404, "NOT_FOUND");
		assertProblem(send("POST", SESSIONS + "/terminate", OWN_KEY, "{\"phone_number\":\"+15550100\"}"), 400,
				"VALIDATION_FAILED");
		assertProblem(read("/konpro/v1/widget/sessions/never-tracked", OWN_KEY), 404, "NOT_FOUND");

		pathors.verify(0, anyRequestedFor(anyUrl()));
		konpro.verify(0, anyRequestedFor(anyUrl()));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void aClientLimitedToItsOwnSessionsEndsItsOwnAndAScopedClientEndsAnyInItsScope() {
		open(OWN_KEY, "mine");
		open(OWN_KEY, "mine-too");

		assertThat(send("DELETE", SESSIONS, OWN_KEY, "{\"session_id\":\"mine\"}").statusCode()).isEqualTo(200);
		assertThat(send("DELETE", SESSIONS, SERVICE_KEY, "{\"session_id\":\"mine-too\"}").statusCode()).isEqualTo(200);

		pathors.verify(2, deleteRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")));
		assertThat(allSessions()).extracting((s) -> s.status()).containsOnly(SessionStatus.ENDED);
	}

	@Test
	void aSessionIdReusedByAnotherClientBelongsToWhoeverOpenedItLast() {
		pathors.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(200)));
		open(OWN_KEY, "reused");
		assertThat(send("DELETE", SESSIONS, OWN_KEY, "{\"session_id\":\"reused\"}").statusCode()).isEqualTo(200);
		open(SERVICE_KEY, "reused");

		assertProblem(send("DELETE", SESSIONS, OWN_KEY, "{\"session_id\":\"reused\"}"), 404, "NOT_FOUND");
	}

}
