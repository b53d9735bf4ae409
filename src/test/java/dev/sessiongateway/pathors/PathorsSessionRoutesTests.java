package dev.sessiongateway.pathors;

import java.net.http.HttpResponse;

import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.Test;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class PathorsSessionRoutesTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/projects/proj-a/sessions";

	private static final String CREATE = """
			{"session_id":"s-1","variables":{"customer":"c-42"},"provider":"api"}""";

	private void createAnswers(int status, String body) {
		pathors.stubFor(post(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private void endAnswers(int status, String body) {
		pathors.stubFor(delete(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private HttpResponse<String> open(String path) {
		return send("POST", path, SERVICE_KEY, CREATE);
	}

	/** Opens session s-1 in proj-a, confirmed by Pathors and tracked ACTIVE. */
	private void openTracked() {
		createAnswers(201, "{\"sessionId\":\"s-1\"}");
		assertThat(open("/pathors" + SESSIONS).statusCode()).isEqualTo(201);
	}

	private HttpResponse<String> end() {
		return send("DELETE", "/pathors" + SESSIONS, SERVICE_KEY, "{\"session_id\":\"s-1\"}");
	}

	@Test
	void openForwardsTheBodyWithTheDeveloperKeyAndTracksTheSessionActive() {
		createAnswers(201, "{\"sessionId\":\"s-1\",\"pathwayId\":\"pw-9\"}");

		HttpResponse<String> response = open("/pathors" + SESSIONS);

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(response.body()).isEqualTo("{\"sessionId\":\"s-1\",\"pathwayId\":\"pw-9\"}");
		pathors.verify(1,
				postRequestedFor(urlEqualTo(SESSIONS)).withHeader("Authorization", equalTo("Bearer " + PATHORS_KEY))
					.withHeader("Content-Type", equalTo("application/json"))
					.withHeader("X-Api-Key", absent())
					.withRequestBody(equalToJson(CREATE)));
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(session.provider()).isEqualTo("pathors");
		assertThat(session.scope()).isEqualTo("proj-a");
		assertThat(session.sessionId()).isEqualTo("s-1");
		assertThat(session.client()).isEqualTo("orders-service");
		assertThat(session.agent()).isEqualTo("pw-9");
	}

	@Test
	void openUsesTheProjectsOwnKeyWhenOneIsConfigured() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-own-key/sessions"))
			.willReturn(aResponse().withStatus(200).withBody("{\"sessionId\":\"s-1\"}")));

		assertThat(open("/pathors/v1/projects/proj-own-key/sessions").statusCode()).isEqualTo(200);

		pathors.verify(1, postRequestedFor(urlEqualTo("/v1/projects/proj-own-key/sessions")).withHeader("Authorization",
				equalTo("Bearer " + PROJECT_KEY)));
	}

	@Test
	void legacyOpenPathReachesTheV1Api() {
		createAnswers(200, "{\"sessionId\":\"s-1\",\"pathwayId\":\"pw-9\"}");

		HttpResponse<String> response = open("/pathors/api/project/proj-a/integration/api/session");

		assertThat(response.statusCode()).isEqualTo(200);
		pathors.verify(1, postRequestedFor(urlEqualTo(SESSIONS)).withRequestBody(equalToJson(CREATE)));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void endSendsTheSessionIdInTheDeleteBodyAndRecordsTheEnd() {
		openTracked();
		endAnswers(200, "{\"success\":true,\"sessionId\":\"s-1\",\"message\":\"ended\"}");

		HttpResponse<String> response = end();

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"success\":true");
		pathors.verify(1,
				deleteRequestedFor(urlEqualTo(SESSIONS)).withHeader("Authorization", equalTo("Bearer " + PATHORS_KEY))
					.withHeader("Content-Type", equalTo("application/json"))
					.withRequestBody(equalToJson("{\"session_id\":\"s-1\"}")));
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session.endReason()).isEqualTo(EndReason.CLIENT);
		assertThat(session.endedAt()).isNotNull();
	}

	@Test
	void legacyEndAndGetPathsReachTheV1Api() {
		openTracked();
		pathors.stubFor(get(urlEqualTo(SESSIONS + "/s-1"))
			.willReturn(aResponse().withStatus(200).withBody("{\"sessionId\":\"s-1\"}")));
		endAnswers(200, "{\"message\":\"ended\",\"sessionId\":\"s-1\"}");

		HttpResponse<String> read = read("/pathors/api/project/proj-a/integration/api/session/s-1", SERVICE_KEY);
		HttpResponse<String> end = send("DELETE", "/pathors/api/project/proj-a/integration/api/session", SERVICE_KEY,
				"{\"session_id\":\"s-1\"}");

		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(end.statusCode()).isEqualTo(200);
		pathors.verify(1, getRequestedFor(urlEqualTo(SESSIONS + "/s-1")));
		pathors.verify(1,
				deleteRequestedFor(urlEqualTo(SESSIONS)).withRequestBody(equalToJson("{\"session_id\":\"s-1\"}")));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void endTheProviderDoesNotConfirmIsKeptEndingAndAnswers202() {
		openTracked();
		endAnswers(503, "{\"error\":{\"message\":\"maintenance\"}}");

		HttpResponse<String> response = end();

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(json(response).path("status").asString()).isEqualTo("ENDING");
		assertThat(json(response).path("sessionId").asString()).isEqualTo("s-1");
		assertThat(json(response).path("message").asString()).contains("Pathors answered 503");
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDING);
		assertThat(session.attempts()).isEqualTo(1);
		assertThat(session.lastError()).contains("503");
		assertThat(session.nextAttemptAt()).isNotNull();
		pathors.verify(1, deleteRequestedFor(urlEqualTo(SESSIONS)));
	}

	@Test
	void endWhenTheProviderAlreadyForgotTheSessionCountsAsEnded() {
		openTracked();
		endAnswers(404, "{\"error\":{\"message\":\"TrackedSession not found\"}}");

		HttpResponse<String> response = end();

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void endRefusedAsABadRequestLeavesTheSessionActiveAndPassesTheAnswerOn() {
		openTracked();
		endAnswers(422, "{\"error\":{\"message\":\"cannot end now\"}}");

		HttpResponse<String> response = end();

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(response.body()).contains("cannot end now");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	/** Ends a session the gateway holds no row for. */
	private HttpResponse<String> endElsewhere() {
		return send("DELETE", "/pathors" + SESSIONS, SERVICE_KEY, "{\"session_id\":\"elsewhere\"}");
	}

	@Test
	void endOfAnUntrackedSessionIsForwardedAnyway() {
		endAnswers(200, "{\"success\":true,\"sessionId\":\"elsewhere\"}");

		HttpResponse<String> response = endElsewhere();

		assertThat(response.statusCode()).isEqualTo(200);
		pathors.verify(1, deleteRequestedFor(urlEqualTo(SESSIONS))
			.withRequestBody(equalToJson("{\"session_id\":\"elsewhere\"}")));
		TrackedSession recorded = onlySession();
		assertThat(recorded.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(recorded.endReason()).isEqualTo(EndReason.UNTRACKED);
	}

	@Test
	void anUntrackedEndThePathorsRefusesIsClosedFailedAndLeavesNothingLive() {
		endAnswers(400, "{\"error\":\"session_id is invalid\"}");

		HttpResponse<String> response = endElsewhere();

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
	}

	@Test
	void anUntrackedEndPathorsDoesNotConfirmIsKeptEndingAndAnswers202() {
		endAnswers(503, "{}");

		HttpResponse<String> response = endElsewhere();

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDING);
		assertThat(onlySession().endReason()).isEqualTo(EndReason.UNTRACKED);
	}

	@Test
	void anEndAnswered503WithRetryAfterIsNotDueAgainBeforeThen() {
		openTracked();
		pathors.stubFor(delete(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(503)
			.withHeader("Retry-After", "120")
			.withHeader("Content-Type", "application/json")
			.withBody("{}")));
		java.time.Instant asked = java.time.Instant.now();

		HttpResponse<String> response = end();

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(onlySession().nextAttemptAt()).as("the provider asked for 120 s")
			.isAfterOrEqualTo(asked.plusSeconds(120));
	}

	@Test
	void getThatFindsNoSessionMarksTheTrackedSessionGone() {
		openTracked();
		pathors.stubFor(get(urlEqualTo(SESSIONS + "/s-1")).willReturn(
				aResponse().withStatus(404).withBody("{\"error\":{\"message\":\"TrackedSession not found\"}}")));

		HttpResponse<String> response = read("/pathors" + SESSIONS + "/s-1", SERVICE_KEY);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("TrackedSession not found");
		TrackedSession session = onlySession();
		assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session.endReason()).isEqualTo(EndReason.PROVIDER_GONE);
	}

	@Test
	void terminateConfirmedByTheProviderEndsTheTrackedSession() {
		openTracked();
		pathors.stubFor(post(urlEqualTo(SESSIONS + "/terminate"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":true,\"sessionType\":\"call\"}")));

		HttpResponse<String> response = send("POST", "/pathors" + SESSIONS + "/terminate", SERVICE_KEY,
				"{\"session_id\":\"s-1\",\"message\":\"bye\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		pathors.verify(1, postRequestedFor(urlEqualTo(SESSIONS + "/terminate"))
			.withRequestBody(equalToJson("{\"session_id\":\"s-1\",\"message\":\"bye\"}")));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void terminateTheProviderDeclinesLeavesTheSessionActive() {
		openTracked();
		pathors.stubFor(post(urlEqualTo(SESSIONS + "/terminate"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":false,\"sessionType\":\"api\"}")));

		send("POST", "/pathors" + SESSIONS + "/terminate", SERVICE_KEY, "{\"session_id\":\"s-1\"}");

		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void openingALiveSessionAgainIsRefusedWithoutCallingTheProvider() {
		openTracked();

		HttpResponse<String> again = open("/pathors" + SESSIONS);

		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(json(again).path("code").asString()).isEqualTo("SESSION_ALREADY_ACTIVE");
		pathors.verify(1, postRequestedFor(urlEqualTo(SESSIONS)));
	}

	@Test
	void aRetryOfACreateThatTimedOutIsRefusedWithRetryAfterWhileTheCreateMayStillLand() {
		pathors.stubFor(post(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}").withFixedDelay(1500)));
		assertThat(open("/pathors" + SESSIONS).statusCode()).isEqualTo(504);

		HttpResponse<String> retry = open("/pathors" + SESSIONS);

		assertProblem(retry, 409, "SESSION_ALREADY_ACTIVE");
		assertThat(json(retry).path("detail").asString()).contains("unknown outcome");
		assertThat(retry.headers().firstValue("Retry-After"))
			.hasValueSatisfying((seconds) -> assertThat(Long.parseLong(seconds)).isBetween(100L, 121L));
		pathors.verify(1, postRequestedFor(urlEqualTo(SESSIONS)));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDING);
	}

	@Test
	void anEndedSessionIdMayBeOpenedAgainAndHistoryIsKept() {
		createAnswers(201, "{\"sessionId\":\"s-1\"}");
		endAnswers(200, "{\"success\":true}");
		open("/pathors" + SESSIONS);
		end();

		HttpResponse<String> again = open("/pathors" + SESSIONS);

		assertThat(again.statusCode()).isEqualTo(201);
		assertThat(allSessions()).extracting(TrackedSession::status)
			.containsExactly(SessionStatus.ENDED, SessionStatus.ACTIVE);
	}

	@Test
	void theSameSessionIdInAnotherProjectIsADifferentSession() {
		createAnswers(201, "{\"sessionId\":\"s-1\"}");
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-b/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));

		assertThat(open("/pathors" + SESSIONS).statusCode()).isEqualTo(201);
		assertThat(open("/pathors/v1/projects/proj-b/sessions").statusCode()).isEqualTo(201);
		assertThat(allSessions()).hasSize(2);
	}

	@Test
	void pathIdsTravelAsOneEncodedSegment() {
		pathors.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

		HttpResponse<String> response = read("/pathors" + SESSIONS + "/a%20b%C3%A9c", SERVICE_KEY);

		assertThat(response.statusCode()).isEqualTo(200);
		pathors.verify(1, getRequestedFor(urlEqualTo(SESSIONS + "/a%20b%C3%A9c")));
		pathors.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void providerFaultsMapToProblems() {
		// each row: fault set-up, expected status, expected code, expected tracked status
		record Case(Runnable stub, int status, String code, SessionStatus tracked) {
		}
		var cases = java.util.List.of(
				new Case(() -> createAnswers(401, "{\"error\":{\"message\":\"bad key\"}}"), 502,
						"UPSTREAM_REJECTED_CREDENTIALS", SessionStatus.FAILED),
				new Case(() -> createAnswers(403, "{\"error\":\"forbidden\"}"), 502, "UPSTREAM_REJECTED_CREDENTIALS",
						SessionStatus.FAILED),
				// A 5xx may come from the provider's edge after the session was made.
				new Case(() -> createAnswers(500, "{\"error\":{\"message\":\"boom at db-7.internal\"}}"), 502,
						"UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> createAnswers(502, "{}"), 502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> createAnswers(503, "{}"), 502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> createAnswers(504, "{}"), 502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> pathors.stubFor(post(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(201)
					.withHeader("Content-Type", "not a media type;;=")
					.withBody("{\"sessionId\":\"s-1\"}"))), 502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> createAnswers(429, "{\"error\":\"slow down\"}"), 429, "UPSTREAM_RATE_LIMITED",
						SessionStatus.FAILED),
				new Case(() -> createAnswers(302, ""), 502, "UPSTREAM_UNAVAILABLE", SessionStatus.FAILED),
				new Case(
						() -> pathors.stubFor(post(urlEqualTo(SESSIONS))
							.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))),
						502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(
						() -> pathors.stubFor(
								post(urlEqualTo(SESSIONS)).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE))),
						502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(
						() -> pathors.stubFor(post(urlEqualTo(SESSIONS))
							.willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK))),
						502, "UPSTREAM_UNAVAILABLE", SessionStatus.ENDING),
				new Case(() -> createAnswers(200, "<html>not json</html>"), 502, "UPSTREAM_UNAVAILABLE",
						SessionStatus.ENDING),
				new Case(() -> createAnswers(200, "{\"pathwayId\":\"pw\"}"), 502, "UPSTREAM_UNAVAILABLE",
						SessionStatus.ENDING),
				new Case(
						() -> pathors.stubFor(post(urlEqualTo(SESSIONS)).willReturn(
								aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}").withFixedDelay(1500))),
						504, "UPSTREAM_TIMEOUT", SessionStatus.ENDING));
		for (Case c : cases) {
			cleanSlate();
			c.stub().run();

			HttpResponse<String> response = open("/pathors" + SESSIONS);

			assertThat(response.statusCode()).as(c.code()).isEqualTo(c.status());
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(json(response).path("code").asString()).as(c.code()).isEqualTo(c.code());
			assertThat(response.body()).doesNotContain("db-7.internal").doesNotContain(PATHORS_KEY);
			TrackedSession session = onlySession();
			assertThat(session.status()).as(c.code()).isEqualTo(c.tracked());
			if (c.tracked() == SessionStatus.ENDING) {
				assertThat(session.endReason()).isEqualTo(EndReason.COMPENSATION);
			}
		}
	}

	@Test
	void rateLimitedByTheProviderAnswersRetryAfter() {
		createAnswers(429, "{\"error\":\"slow down\"}");
		assertThat(open("/pathors" + SESSIONS).headers().firstValue("Retry-After")).hasValue("30");

		cleanSlate();
		pathors.stubFor(post(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("{}")));
		HttpResponse<String> response = open("/pathors" + SESSIONS);

		assertThat(response.statusCode()).isEqualTo(429);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
	}

	@Test
	void unreachableProviderFailsTheCreateWithoutACompensatingEnd() throws InterruptedException {
		pathors.stop();
		try {
			// Pooled connections idle for more than 2 s are checked before reuse, so the
			// request
			// opens a new connection, which is refused.
			Thread.sleep(2100);
			HttpResponse<String> response = open("/pathors" + SESSIONS);

			assertThat(response.statusCode()).isEqualTo(502);
			assertThat(json(response).path("code").asString()).isEqualTo("UPSTREAM_UNAVAILABLE");
			assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
		}
		finally {
			pathors.start();
		}
	}

	@Test
	void callerErrorsFromTheProviderArePassedThroughInBothErrorShapes() {
		createAnswers(400, "{\"error\":\"session_id is required\"}");
		HttpResponse<String> flat = open("/pathors" + SESSIONS);
		assertThat(flat.statusCode()).isEqualTo(400);
		assertThat(flat.body()).isEqualTo("{\"error\":\"session_id is required\"}");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);

		cleanSlate();
		createAnswers(409, "{\"error\":{\"message\":\"exists\",\"details\":{\"session_id\":\"s-1\"}}}");
		HttpResponse<String> nested = open("/pathors" + SESSIONS);
		assertThat(nested.statusCode()).isEqualTo(409);
		assertThat(nested.body()).contains("\"details\"");
		assertThat(onlySession().status()).isEqualTo(SessionStatus.FAILED);
	}

}
