package dev.sessiongateway.konpro;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.TrackedSession;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ends come first at Konpro, on a trial plan's budget of 10 requests a minute: ends keep
 * 5 of them, and two clients may open Konpro sessions, so each client's opens may use 2
 * of the 5 left to opens and reads. Each test starts with a full budget.
 */
@TestPropertySource(properties = { "gateway.konpro.rate-limit-per-minute=10", "gateway.clients[0].name=orders-service",
		"gateway.clients[0].key-sha256=b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a",
		"gateway.clients[0].roles=sessions", "gateway.clients[0].pathors-projects=proj-a",
		"gateway.clients[0].konpro=true", "gateway.clients[1].name=billing-service",
		"gateway.clients[1].key-sha256=8b6e9e7b72ce6330fefd6b00f6bf07dab92f6925c156b404c03fd2211a3d1e35",
		"gateway.clients[1].roles=sessions", "gateway.clients[1].konpro=true", "gateway.clients[2].name=ops-team",
		"gateway.clients[2].key-sha256=24e29f6f9b06174f48d833c5cd2db2966eea8e5edacb80e365e81388e8277fdc",
		"gateway.clients[2].roles=ops" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class KonproEndsFirstTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/widget/sessions";

	/** The flooding client, orders-service. */
	private static final String FLOODER = SERVICE_KEY;

	/** The other client, billing-service. */
	private static final String OTHER = LIMITED_KEY;

	/** Konpro answers each avatar's create with a session of the avatar's name. */
	private void konproCreatesAndEnds() {
		for (String avatar : avatars()) {
			konpro.stubFor(post(urlEqualTo(SESSIONS)).withRequestBody(containing("\"" + avatar + "\""))
				.willReturn(aResponse().withStatus(200)
					.withHeader("Content-Type", "application/json")
					.withBody("{\"data\":{\"session_id\":\"ws-" + avatar + "\",\"session_token\":\"tok\","
							+ "\"expires_at\":\"2030-01-01T10:00:00Z\"}}")));
		}
		konpro.stubFor(delete(urlPathMatching(SESSIONS + "/.*")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"message\":\"Session terminated successfully\"}")));
		konpro.stubFor(get(urlPathMatching(SESSIONS + "/.*")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"session_id\":\"ws-b0\",\"status\":\"active\",\"expires_at\":\"2030-01-01T10:00:00Z\"}")));
	}

	private static List<String> avatars() {
		List<String> avatars = new ArrayList<>(List.of("b0", "b1"));
		for (int i = 0; i < 20; i++) {
			avatars.add("a" + i);
		}
		return avatars;
	}

	private HttpResponse<String> open(String key, String avatar) {
		return send("POST", "/konpro" + SESSIONS, key, "{\"agentic_avatar_id\":\"" + avatar + "\"}");
	}

	private HttpResponse<String> end(String key, String sessionId) {
		return send("DELETE", "/konpro" + SESSIONS + "/" + sessionId, key, null);
	}

	/** Twenty opens by the flooding client at once: their answers' statuses. */
	private List<Integer> flood() throws Exception {
		List<Integer> statuses = new ArrayList<>();
		try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<HttpResponse<String>>> opens = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				String avatar = "a" + i;
				opens.add(callers.submit(() -> open(FLOODER, avatar)));
			}
			for (Future<HttpResponse<String>> open : opens) {
				HttpResponse<String> response = open.get();
				statuses.add(response.statusCode());
				if (response.statusCode() != 200) {
					assertRateLimited(response);
				}
			}
		}
		return statuses;
	}

	private static void assertRateLimited(HttpResponse<String> response) {
		assertProblem(response, 429, "UPSTREAM_RATE_LIMITED");
		assertThat(response.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isBetween(1L, 61L));
	}

	private TrackedSession session(String sessionId) {
		return allSessions().stream()
			.filter((session) -> sessionId.equals(session.sessionId()))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void aFloodOfOpensByOneClientDoesNotDelayAnotherClientsEnd() throws Exception {
		konproCreatesAndEnds();
		assertThat(open(OTHER, "b0").statusCode()).isEqualTo(200);

		List<Integer> flood = flood();

		HttpResponse<String> end = end(OTHER, "ws-b0");
		assertThat(end.statusCode()).as("ended in-line, not 202: %s", end.body()).isEqualTo(200);
		konpro.verify(1, deleteRequestedFor(urlEqualTo(SESSIONS + "/ws-b0")));
		assertThat(session("ws-b0").status()).isEqualTo(SessionStatus.ENDED);
		assertThat(flood).as("the flooding client's share: 2 of the 5 opens and reads a minute")
			.containsOnly(200, 429)
			.filteredOn((status) -> status == 200)
			.hasSize(2);
		konpro.verify(3, postRequestedFor(urlEqualTo(SESSIONS)));
	}

	@Test
	void aClientOverItsShareIsRefusedWhileAnotherClientStillOpens() {
		konproCreatesAndEnds();
		assertThat(open(FLOODER, "a0").statusCode()).isEqualTo(200);
		assertThat(open(FLOODER, "a1").statusCode()).isEqualTo(200);

		HttpResponse<String> over = open(FLOODER, "a2");

		assertRateLimited(over);
		assertThat(json(over).path("detail").asString()).contains("This client's share");
		assertThat(open(OTHER, "b0").statusCode()).isEqualTo(200);
		konpro.verify(3, postRequestedFor(urlEqualTo(SESSIONS)));
		assertThat(allSessions()).filteredOn((session) -> session.status() == SessionStatus.ACTIVE)
			.extracting(TrackedSession::sessionId)
			.containsExactlyInAnyOrder("ws-a0", "ws-a1", "ws-b0");
	}

	@Test
	void endsPassWhileOpensAndReadsAreHeldBack() {
		konproCreatesAndEnds();
		for (String avatar : List.of("a0", "a1")) {
			assertThat(open(FLOODER, avatar).statusCode()).isEqualTo(200);
		}
		for (String avatar : List.of("b0", "b1")) {
			assertThat(open(OTHER, avatar).statusCode()).isEqualTo(200);
		}
		assertThat(read("/konpro" + SESSIONS + "/ws-b0", OTHER).statusCode()).isEqualTo(200);

		HttpResponse<String> heldRead = read("/konpro" + SESSIONS + "/ws-b0", OTHER);
		HttpResponse<String> heldOpen = open(FLOODER, "a2");

		assertRateLimited(heldRead);
		assertThat(json(heldRead).path("detail").asString()).contains("opens and reads").contains("kept for ends");
		assertRateLimited(heldOpen);
		assertThat(end(OTHER, "ws-b0").statusCode()).isEqualTo(200);
		assertThat(end(OTHER, "ws-b1").statusCode()).isEqualTo(200);
		assertThat(end(FLOODER, "ws-a0").statusCode()).isEqualTo(200);
		HttpResponse<String> forced = send("POST", "/ops/sessions/" + session("ws-a1").id() + "/end", OPS_KEY, null);
		assertThat(forced.statusCode()).isEqualTo(200);
		konpro.verify(4, deleteRequestedFor(urlPathMatching(SESSIONS + "/.*")));
		konpro.verify(1, getRequestedFor(urlPathMatching(SESSIONS + "/.*")));
		assertThat(allSessions()).filteredOn((session) -> session.sessionId() != null)
			.extracting(TrackedSession::status)
			.containsOnly(SessionStatus.ENDED);
	}

}
