package dev.sessiongateway.web;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * As a path segment, an id made only of dots is a move, not a name:
 * {@code /v1/projects/p/sessions/..} is {@code /v1/projects/p/}. Every id the gateway may
 * send to a provider as a path segment (Pathors session and project ids, Konpro session
 * ids) is refused on every route that reads it, and nothing is recorded or sent. The
 * caller here may use every Pathors project, so that no scope check stands in for the id
 * check.
 */
@TestPropertySource(properties = { "gateway.clients[0].name=every-project-service",
		"gateway.clients[0].key-sha256=b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a",
		"gateway.clients[0].roles=sessions", "gateway.clients[0].pathors-projects=*",
		"gateway.clients[0].konpro=true" })
class DotIdTests extends GatewayTestSupport {

	/** Ids made only of dots as they are written in a JSON body. */
	private static final List<String> BODY_IDS = List.of(".", "..", "...", "....", "%2e", "%2e%2e", ".%2E",
			"%252e%252e", "\uff0e\uff0e", "\u2025", "\u2026");

	/**
	 * Ids made only of dots as a caller writes them in a URL path, and what the gateway
	 * answers: the firewall refuses a path with {@code .} or {@code ..} segments, encoded
	 * dots or an encoded percent before any route is chosen, naming the path; every other
	 * form reaches its route and is refused there, naming the id.
	 */
	private static final Map<String, Outcome> PATH_IDS = Map.ofEntries(Map.entry(".", Outcome.PATH_REFUSED),
			Map.entry("..", Outcome.PATH_REFUSED), Map.entry("...", Outcome.ID_REFUSED),
			Map.entry("....", Outcome.ID_REFUSED), Map.entry("%2e", Outcome.PATH_REFUSED),
			Map.entry("%2E%2E", Outcome.PATH_REFUSED), Map.entry(".%2e", Outcome.PATH_REFUSED),
			Map.entry("%252e%252e", Outcome.PATH_REFUSED), Map.entry("%EF%BC%8E%EF%BC%8E", Outcome.ID_REFUSED),
			Map.entry("%E2%80%A5", Outcome.ID_REFUSED), Map.entry("%E2%80%A6", Outcome.ID_REFUSED));

	private enum Outcome {

		PATH_REFUSED, ID_REFUSED

	}

	private static final String V1 = "/pathors/v1/projects/%s/sessions";

	private static final String LEGACY = "/pathors/api/project/%s/integration/api/session";

	private static final String KONPRO = "/konpro/v1/widget/sessions/%s";

	private void anyProviderAnswers() {
		pathors.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"x\"}")));
		konpro.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"session_id\":\"k\"}")));
	}

	@Test
	void sessionIdsMadeOfDotsAreRefusedInEveryBody() {
		anyProviderAnswers();
		List<String> routes = List.of("POST " + V1, "POST " + LEGACY, "DELETE " + V1, "DELETE " + LEGACY,
				"POST " + V1 + "/terminate");
		for (String id : BODY_IDS) {
			String body = JSON.writeValueAsString(Map.of("session_id", id));
			for (String route : routes) {
				String method = route.substring(0, route.indexOf(' '));
				String path = route.substring(route.indexOf(' ') + 1).formatted("proj-a");
				assertRefused(send(method, path, SERVICE_KEY, body), "session_id", route + " " + body);
			}
		}
		assertNothingForwardedOrRecorded();
	}

	@Test
	void sessionIdsMadeOfDotsAreRefusedInEveryPath() {
		anyProviderAnswers();
		List<String> failures = new ArrayList<>();
		PATH_IDS.forEach((id, outcome) -> {
			check(failures, outcome, "sessionId", "GET", V1.formatted("proj-a") + "/" + id, null);
			check(failures, outcome, "sessionId", "GET", LEGACY.formatted("proj-a") + "/" + id, null);
			check(failures, outcome, "sessionId", "GET", KONPRO.formatted(id), null);
			check(failures, outcome, "sessionId", "DELETE", KONPRO.formatted(id), null);
		});
		assertThat(failures).isEmpty();
		assertNothingForwardedOrRecorded();
	}

	@Test
	void projectIdsMadeOfDotsAreRefusedOnEveryRoute() {
		anyProviderAnswers();
		String session = "{\"session_id\":\"s-1\"}";
		List<String> failures = new ArrayList<>();
		PATH_IDS.forEach((id, outcome) -> {
			check(failures, outcome, "projectId", "POST", V1.formatted(id), session);
			check(failures, outcome, "projectId", "DELETE", V1.formatted(id), session);
			check(failures, outcome, "projectId", "POST", V1.formatted(id) + "/terminate", session);
			check(failures, outcome, "projectId", "GET", V1.formatted(id) + "/s-1", null);
			check(failures, outcome, "projectId", "POST", LEGACY.formatted(id), session);
			check(failures, outcome, "projectId", "DELETE", LEGACY.formatted(id), session);
			check(failures, outcome, "projectId", "GET", LEGACY.formatted(id) + "/s-1", null);
		});
		assertThat(failures).isEmpty();
		assertNothingForwardedOrRecorded();
	}

	@Test
	void aWebhookForAProjectMadeOfDotsIsRefused() {
		List<String> failures = new ArrayList<>();
		PATH_IDS
			.forEach((id, outcome) -> check(failures,
					send("POST", "/webhooks/pathors/projects/" + id, WEBHOOK_SECRET,
							"{\"event\":\"session.ended\",\"sessionId\":\"s-1\"}"),
					outcome, "projectId", "webhook " + id));
		assertThat(failures).isEmpty();
	}

	@Test
	void aKonproSessionIdMadeOfDotsIsNoConfirmedSession() {
		konpro.stubFor(any(anyUrl()).willReturn(
				aResponse().withStatus(200).withBody("{\"data\":{\"session_id\":\"..\",\"expires_in\":3600}}")));

		HttpResponse<String> response = send("POST", "/konpro/v1/widget/sessions", SERVICE_KEY,
				"{\"agentic_avatar_id\":\"a\"}");

		assertProblem(response, 502, "UPSTREAM_UNAVAILABLE");
		assertThat(onlySession().status()).hasToString("FAILED");
		assertThat(konpro.getAllServeEvents()).singleElement()
			.satisfies((event) -> assertThat(event.getRequest().getUrl()).isEqualTo("/v1/widget/sessions"));
	}

	private void check(List<String> failures, Outcome outcome, String field, String method, String path, String body) {
		check(failures, send(method, path, SERVICE_KEY, body), outcome, field, method + " " + path);
	}

	private static void check(List<String> failures, HttpResponse<String> response, Outcome outcome, String field,
			String request) {
		try {
			switch (outcome) {
				case PATH_REFUSED -> assertRefused(response, "path", request);
				case ID_REFUSED -> assertRefused(response, field, request);
			}
		}
		catch (AssertionError ex) {
			failures.add(request + ": " + ex.getMessage());
		}
	}

	private static void assertRefused(HttpResponse<String> response, String field, String request) {
		assertProblem(response, 400, "VALIDATION_FAILED");
		assertThat(json(response).path("errors").get(0).path("field").asString()).as(request).isEqualTo(field);
	}

}
