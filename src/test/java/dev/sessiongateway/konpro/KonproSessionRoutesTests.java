package dev.sessiongateway.konpro;

import java.net.http.HttpResponse;
import java.time.Instant;

import com.github.tomakehurst.wiremock.http.Fault;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class KonproSessionRoutesTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/widget/sessions";

	/**
	 * Deliberately odd spacing and field order: the reply must come back byte for byte.
	 */
	private static final String CREATED = """
			{ "data" : {"session_token":"tok_abc", "session_id":"ws_123",
			  "expires_at":"2030-01-01T10:00:00Z","expires_in":3600,"websocket_url":"wss://x/ws",
			  "user_id":"u1","avatar":{"id":"av-1"}},  "meta":{"n":1} }
			""";

	private static final String CREATE = "{\"agentic_avatar_id\":\"av-1\",\"settings\":{\"max_duration\":600},"
			+ "\"user_metadata\":{\"plan\":\"gold\"},\"audio_only\":false}";

	@Autowired
	private MeterRegistry meters;

	private void createAnswers(int status, String body) {
		konpro.stubFor(post(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private HttpResponse<String> open() {
		return send("POST", "/konpro" + SESSIONS, SERVICE_KEY, CREATE);
	}

	@Test
	void openForwardsTheBodyUnchangedAndReturnsTheReplyByteForByteUncached() {
		createAnswers(200, CREATED);

		HttpResponse<String> response = open();

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(CREATED);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		konpro.verify(1,
				postRequestedFor(urlEqualTo(SESSIONS)).withHeader("x-api-key", equalTo(KONPRO_KEY))
					.withHeader("Authorization", absent())
					.withRequestBody(binaryEqualTo(CREATE.getBytes())));
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(session.provider()).isEqualTo("konpro");
		assertThat(session.scope()).isEqualTo("test-account");
		assertThat(session.sessionId()).isEqualTo("ws_123");
		assertThat(session.expiresAt()).isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));
		assertThat(session.client()).isEqualTo("orders-service");
	}

	@Test
	void openReadsTheSessionIdAtTheTopLevelToo() {
		createAnswers(201, "{\"session_id\":\"ws_top\",\"expires_in\":60}");

		assertThat(open().statusCode()).isEqualTo(201);

		TrackedSession session = onlySession();
		assertThat(session.sessionId()).isEqualTo("ws_top");
		assertThat(session.expiresAt()).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(120));
	}

	@Test
	void anExpiryTheGatewayCannotHoldIsRecordedAsUnknownAndTheSessionTracked() {
		for (String reply : java.util.List.of("{\"session_id\":\"ws_x\",\"expires_in\":9223372036854775807}",
				"{\"session_id\":\"ws_x\",\"expires_at\":-9223372036854775808}",
				"{\"session_id\":\"ws_x\",\"expires_at\":\"+300000-01-01T00:00:00Z\"}",
				"{\"session_id\":\"ws_x\",\"expires_at\":9223372036854775807}")) {
			cleanSlate();
			createAnswers(201, reply);

			HttpResponse<String> response = open();

			assertThat(response.statusCode()).as(reply).isEqualTo(201);
			assertThat(response.body()).isEqualTo(reply);
			TrackedSession session = onlySession();
			assertThat(session.status()).as(reply).isEqualTo(SessionStatus.ACTIVE);
			assertThat(session.sessionId()).isEqualTo("ws_x");
			assertThat(session.expiresAt()).as(reply).isNull();
		}
	}

	/**
	 * The official SDK's revoke, twice: Konpro answers the second with 404, which goes
	 * back as it is. The repeat is recorded in the history of the session it repeats:
	 * every ops view, count and export shows one session.
	 */
	@Test
	void aSecondRevokeIsForwardedAndRecordedOnTheSessionItRepeatsNotInASecondRow() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(delete(urlEqualTo(SESSIONS + "/ws_123")).inScenario("revoke")
			.willReturn(aResponse().withStatus(200)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"message\":\"TrackedSession terminated successfully\",\"session_id\":\"ws_123\"}"))
			.willSetStateTo("revoked"));
		String notFound = "{\"error\":{\"code\":\"RESOURCE_NOT_FOUND\",\"message\":\"TrackedSession not found\"},"
				+ "\"request_id\":\"r-2\"}";
		konpro.stubFor(delete(urlEqualTo(SESSIONS + "/ws_123")).inScenario("revoke")
			.whenScenarioStateIs("revoked")
			.willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(notFound)));

		assertThat(send("DELETE", "/konpro" + SESSIONS + "/ws_123", SERVICE_KEY, null).statusCode()).isEqualTo(200);
		HttpResponse<String> again = send("DELETE", "/konpro" + SESSIONS + "/ws_123", SERVICE_KEY, null);

		assertThat(again.statusCode()).isEqualTo(404);
		assertThat(again.body()).isEqualTo(notFound);
		konpro.verify(2, deleteRequestedFor(urlEqualTo(SESSIONS + "/ws_123")));
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session.endReason()).isEqualTo(EndReason.CLIENT);
		HttpResponse<String> ended = read("/ops/sessions?status=ENDED&status=FAILED&status=ENDING", OPS_KEY);
		assertThat(json(ended).path("items")).hasSize(1);
		HttpResponse<String> history = read("/ops/sessions/" + session.id(), OPS_KEY);
		assertThat(json(history).path("history").findValuesAsString("detail"))
			.contains("end asked again: forwarded to konpro", "repeated end: konpro confirmed it");
		HttpResponse<String> csv = send(this.port, "GET", "/ops/sessions?status=ENDED", OPS_KEY, null, null,
				java.util.Map.of("Accept", "text/csv"));
		assertThat(csv.body().lines().filter((line) -> line.contains("ws_123"))).hasSize(1);
	}

	@Test
	void openWithoutAnAvatarIdIsRefusedBeforeAnythingIsSent() {
		HttpResponse<String> response = send("POST", "/konpro" + SESSIONS, SERVICE_KEY, "{\"settings\":{}}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_FAILED");
		assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("agentic_avatar_id");
		assertThat(konpro.getAllServeEvents()).isEmpty();
		assertThat(allSessions()).isEmpty();
	}

	@Test
	void aConfirmedCreateWithoutSessionIdIsRecordedFailedAndCounted() {
		double before = this.meters.counter("gateway.sessions.open.uncertain", "provider", "konpro", "action", "failed")
			.count();
		createAnswers(200, "{\"data\":{\"session_token\":\"tok\"}}");

		HttpResponse<String> response = open();

		assertThat(response.statusCode()).isEqualTo(502);
		assertThat(json(response).path("code").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");
		assertThat(response.body()).doesNotContain("tok");
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.FAILED);
		assertThat(session.lastError()).contains("session id");
		assertThat(this.meters.counter("gateway.sessions.open.uncertain", "provider", "konpro", "action", "failed")
			.count()).isEqualTo(before + 1);
	}

	@Test
	void aCreateThatTimesOutIsRecordedFailedWithTheReason() {
		konpro.stubFor(post(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(200).withBody(CREATED).withFixedDelay(1500)));

		HttpResponse<String> response = open();

		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(json(response).path("code").asString()).isEqualTo("UPSTREAM_TIMEOUT");
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.FAILED);
		assertThat(session.lastError()).contains("outcome unknown");
	}

	@Test
	void providerFailuresMapToProblemsAndLeaveNothingActive() {
		record Case(Runnable stub, int status, String code) {
		}
		var cases = java.util.List.of(
				new Case(() -> createAnswers(401,
						"{\"error\":{\"code\":\"INVALID_API_KEY\",\"message\":\"bad key\"},\"request_id\":\"r\"}"), 502,
						"UPSTREAM_REJECTED_CREDENTIALS"),
				new Case(
						() -> createAnswers(403,
								"{\"error\":{\"code\":\"INSUFFICIENT_PERMISSIONS\",\"message\":\"no\"}}"),
						502, "UPSTREAM_REJECTED_CREDENTIALS"),
				new Case(
						() -> createAnswers(429, "{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"slow\"}}"),
						429, "UPSTREAM_RATE_LIMITED"),
				new Case(
						() -> createAnswers(503, "{\"error\":{\"code\":\"SERVICE_UNAVAILABLE\",\"message\":\"down\"}}"),
						502, "UPSTREAM_UNAVAILABLE"),
				new Case(() -> createAnswers(500, "{\"error\":{\"code\":\"PROCESSING_ERROR\",\"message\":\"x\"}}"), 502,
						"UPSTREAM_UNAVAILABLE"),
				new Case(
						() -> konpro.stubFor(post(urlEqualTo(SESSIONS))
							.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))),
						502, "UPSTREAM_UNAVAILABLE"),
				new Case(
						() -> konpro.stubFor(
								post(urlEqualTo(SESSIONS)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE))),
						502, "UPSTREAM_UNAVAILABLE"),
				new Case(() -> createAnswers(200, "not json at all"), 502, "UPSTREAM_UNAVAILABLE"));
		for (Case c : cases) {
			cleanSlate();
			c.stub().run();

			HttpResponse<String> response = open();

			assertThat(response.statusCode()).as(c.code()).isEqualTo(c.status());
			assertThat(json(response).path("code").asString()).as(c.code()).isEqualTo(c.code());
			assertThat(onlySession().status()).as(c.code()).isEqualTo(SessionStatus.FAILED);
		}
	}

	@Test
	void validationErrorsFromKonproArePassedThroughInBothShapes() {
		createAnswers(400,
				"{\"error\":{\"code\":\"VALIDATION_ERROR\",\"message\":\"bad avatar\"},\"request_id\":\"r1\"}");
		HttpResponse<String> first = open();
		assertThat(first.statusCode()).isEqualTo(400);
		assertThat(first.body()).contains("VALIDATION_ERROR");

		cleanSlate();
		createAnswers(422,
				"{\"detail\":[{\"loc\":[\"body\",\"agentic_avatar_id\"],\"msg\":\"bad\",\"type\":\"value_error\"}]}");
		HttpResponse<String> second = open();
		assertThat(second.statusCode()).isEqualTo(422);
		assertThat(second.body()).contains("\"detail\"");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
	}

	@Test
	void getRefreshesTheExpiryOfAnActiveSession() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(get(urlEqualTo(SESSIONS + "/ws_123")).willReturn(aResponse().withStatus(200)
			.withBody("{\"session_id\":\"ws_123\",\"status\":\"active\",\"expires_at\":\"2030-01-01T11:00:00Z\"}")));

		HttpResponse<String> response = read("/konpro" + SESSIONS + "/ws_123", SERVICE_KEY);

		assertThat(response.statusCode()).isEqualTo(200);
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(session.expiresAt()).isEqualTo(Instant.parse("2030-01-01T11:00:00Z"));
	}

	@Test
	void getOfATerminatedSessionRecordsTheEnd() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(get(urlEqualTo(SESSIONS + "/ws_123")).willReturn(aResponse().withStatus(200)
			.withBody("{\"data\":{\"session_id\":\"ws_123\",\"status\":\"terminated\"}}")));

		read("/konpro" + SESSIONS + "/ws_123", SERVICE_KEY);

		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session.endReason()).isEqualTo(EndReason.PROVIDER_ENDED);
	}

	@Test
	void getOfASessionKonproNoLongerKnowsRecordsItGone() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(get(urlEqualTo(SESSIONS + "/ws_123")).willReturn(aResponse().withStatus(404)
			.withBody("{\"error\":{\"code\":\"RESOURCE_NOT_FOUND\",\"message\":\"TrackedSession not found\"}}")));

		HttpResponse<String> response = read("/konpro" + SESSIONS + "/ws_123", SERVICE_KEY);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(onlySession().endReason()).isEqualTo(EndReason.PROVIDER_GONE);
	}

	@Test
	void deleteEndsTheSessionAtKonproAndRecordsIt() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(delete(urlEqualTo(SESSIONS + "/ws_123")).willReturn(aResponse().withStatus(200)
			.withBody("{\"message\":\"TrackedSession terminated successfully\",\"session_id\":\"ws_123\"}")));

		HttpResponse<String> response = send("DELETE", "/konpro" + SESSIONS + "/ws_123", SERVICE_KEY, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("terminated successfully");
		konpro.verify(1,
				deleteRequestedFor(urlEqualTo(SESSIONS + "/ws_123")).withHeader("x-api-key", equalTo(KONPRO_KEY)));
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session.endReason()).isEqualTo(EndReason.CLIENT);
	}

	@Test
	void deleteWhileKonproIsDownIsAcceptedAndKeptEnding() {
		createAnswers(200, CREATED);
		open();
		konpro.stubFor(delete(urlEqualTo(SESSIONS + "/ws_123"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

		HttpResponse<String> response = send("DELETE", "/konpro" + SESSIONS + "/ws_123", SERVICE_KEY, null);

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(json(response).path("status").asString()).isEqualTo("ENDING");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDING);
	}

}
