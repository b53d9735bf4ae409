package dev.sessiongateway.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class AuthorizationTests extends GatewayTestSupport {

	private static final String OPEN = "/pathors/v1/projects/proj-a/sessions";

	private static final String BODY = "{\"session_id\":\"s-1\"}";

	@Test
	void aRequestWithoutKeyIsUnauthenticated() {
		assertProblem(send("POST", OPEN, null, BODY), 401, "UNAUTHENTICATED");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void everyUnauthenticatedAnswerSaysHowToAuthenticate() {
		HttpResponse<String> missing = send("POST", OPEN, null, BODY);
		HttpResponse<String> unknown = send("GET", "/ops/sessions", "not-a-known-key", null);
		HttpResponse<String> webhook = send("POST", "/webhooks/pathors/projects/proj-a", "wrong-secret",
				"{\"event\":\"session.ended\",\"sessionId\":\"s-1\"}");

		for (HttpResponse<String> response : java.util.List.of(missing, unknown, webhook)) {
			assertProblem(response, 401, "UNAUTHENTICATED");
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(response.uri().toString())
				.hasValue("Bearer realm=\"session-gateway\"");
		}
		assertThat(json(missing).path("detail").asString()).contains("Authorization: Bearer").contains("X-Api-Key");
	}

	@Test
	void anUnknownKeyIsUnauthenticated() {
		assertProblem(send("POST", OPEN, "not-a-known-key", BODY), 401, "UNAUTHENTICATED");
		assertProblem(read("/ops/sessions", "test-ops-key-but-longer"), 401, "UNAUTHENTICATED");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void theKeyMayComeInXApiKey() throws Exception {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + OPEN))
			.header("X-Api-Key", SERVICE_KEY)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(BODY))
			.build();

		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(onlySession().client()).isEqualTo("orders-service");
	}

	@Test
	void aServiceKeyCannotUseOpsRoutesOrActuator() {
		assertProblem(read("/ops/sessions", SERVICE_KEY), 403, "FORBIDDEN");
		assertProblem(read("/ops/sessions/stats", SERVICE_KEY), 403, "FORBIDDEN");
		assertProblem(read("/actuator/prometheus", SERVICE_KEY), 403, "FORBIDDEN");
		assertProblem(read("/actuator/metrics", SERVICE_KEY), 403, "FORBIDDEN");
		assertProblem(send("POST", "/ops/sessions/1/end", SERVICE_KEY, null), 403, "FORBIDDEN");
		assertProblem(send("POST", "/ops/sessions/1/end", null, null), 401, "UNAUTHENTICATED");
		assertThat(pathors.getAllServeEvents()).isEmpty();
	}

	@Test
	void anOpsKeyCannotOpenSessions() {
		assertProblem(send("POST", OPEN, OPS_KEY, BODY), 403, "FORBIDDEN");
		assertProblem(send("POST", "/konpro/v1/widget/sessions", OPS_KEY, "{\"agentic_avatar_id\":\"a\"}"), 403,
				"FORBIDDEN");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void aProjectOutsideTheClientsScopeIsForbiddenOnEveryRoute() {
		String project = "/pathors/v1/projects/proj-a/sessions";
		assertProblem(send("POST", project, LIMITED_KEY, BODY), 403, "FORBIDDEN");
		assertProblem(send("DELETE", project, LIMITED_KEY, BODY), 403, "FORBIDDEN");
		assertProblem(read(project + "/s-1", LIMITED_KEY), 403, "FORBIDDEN");
		assertProblem(send("POST", project + "/terminate", LIMITED_KEY, BODY), 403, "FORBIDDEN");
		assertProblem(send("POST", "/pathors/api/project/proj-a/integration/api/session", LIMITED_KEY, BODY), 403,
				"FORBIDDEN");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void konproNeedsTheKonproFlag() {
		assertProblem(send("POST", "/konpro/v1/widget/sessions", LIMITED_KEY, "{\"agentic_avatar_id\":\"a\"}"), 403,
				"FORBIDDEN");
		assertProblem(read("/konpro/v1/widget/sessions/ws_1", LIMITED_KEY), 403, "FORBIDDEN");
		assertProblem(send("DELETE", "/konpro/v1/widget/sessions/ws_1", LIMITED_KEY, null), 403, "FORBIDDEN");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void theClientsOwnProjectIsAllowed() {
		pathors.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));

		HttpResponse<String> response = send("POST", "/pathors/v1/projects/proj-b/sessions", LIMITED_KEY, BODY);

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(onlySession().client()).isEqualTo("billing-service");
	}

	@Test
	void healthProbesArePublicAndEverythingElseInActuatorNeedsOps() {
		assertThat(read("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(read("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertProblem(read("/actuator/prometheus", null), 401, "UNAUTHENTICATED");
		assertProblem(read("/actuator/health", null), 401, "UNAUTHENTICATED");
		assertThat(read("/actuator/prometheus", OPS_KEY).statusCode()).isEqualTo(200);
		assertThat(read("/actuator/metrics", OPS_KEY).statusCode()).isEqualTo(200);
	}

	@Test
	void sensitiveActuatorEndpointsAreNotExposedEvenToOps() {
		for (String endpoint : new String[] { "env", "configprops", "heapdump", "threaddump", "beans", "mappings",
				"loggers" }) {
			assertThat(read("/actuator/" + endpoint, OPS_KEY).statusCode()).as(endpoint).isEqualTo(404);
		}
		assertThat(read("/h2-console", OPS_KEY).statusCode()).isEqualTo(404);
	}

}
