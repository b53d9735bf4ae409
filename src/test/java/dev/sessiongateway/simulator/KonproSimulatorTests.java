package dev.sessiongateway.simulator;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.sessiongateway.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KonproSimulatorTests {

	private static final String KEY = "konpro_simulator_test";

	private static final String SESSIONS = "/v1/widget/sessions";

	private KonproSimulator konpro;

	private SimulatorClient client;

	@BeforeEach
	void start() {
		this.konpro = new KonproSimulator(0, KEY).start();
		this.client = new SimulatorClient(this.konpro);
	}

	@AfterEach
	void stop() {
		this.konpro.close();
	}

	@Test
	void wrongOrMissingKeyAnswers401() throws Exception {
		HttpResponse<String> wrong = send("POST", SESSIONS, "other", "{\"agentic_avatar_id\":\"av-1\"}");
		HttpResponse<String> missing = send("POST", SESSIONS, null, "{\"agentic_avatar_id\":\"av-1\"}");

		for (HttpResponse<String> response : List.of(wrong, missing)) {
			assertThat(response.statusCode()).isEqualTo(401);
			JsonNode body = json(response);
			assertThat(body.at("/error/code").asString()).isEqualTo("INVALID_API_KEY");
			assertThat(body.at("/error/message").asString()).isEqualTo("Invalid API key");
			assertThat(body.get("request_id").asString()).startsWith("req_");
		}
		assertThat(this.konpro.activeSessionIds()).isEmpty();
		assertThat(this.konpro.requestCount()).isEqualTo(2);
	}

	@Test
	void createAnswersTheWrappedSessionAndKeepsTheExactBytes() throws Exception {
		HttpResponse<String> created = send("POST", SESSIONS,
				"{\"agentic_avatar_id\":\"av-1\",\"settings\":{\"max_duration\":600},\"audio_only\":true}");

		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.body()).isEqualTo(this.konpro.lastCreateResponseBody()).contains("\n");
		JsonNode data = json(created).get("data");
		String sessionId = data.get("session_id").asString();
		assertThat(sessionId).matches("ws_[0-9a-f]+");
		assertThat(data.get("session_token").asString()).startsWith("tok_");
		assertThat(data.get("expires_in").asInt()).isEqualTo(3600);
		assertThat(Instant.parse(data.get("expires_at").asString())).isCloseTo(Instant.now().plus(Duration.ofHours(1)),
				within(1, ChronoUnit.MINUTES));
		assertThat(data.get("websocket_url").asString()).isEqualTo("wss://sim.invalid/ws/" + sessionId);
		assertThat(data.get("user_id").asString()).startsWith("usr_");
		assertThat(data.at("/avatar/id").asString()).isEqualTo("av-1");
		assertThat(data.at("/avatar/name").asString()).isEqualTo("Demo Avatar");
		assertThat(data.get("audio_only").asBoolean()).isTrue();
		assertThat(json(created).at("/meta/request_id").asString()).startsWith("req_");
		assertThat(this.konpro.activeSessionIds()).containsExactly(sessionId);
	}

	@Test
	void everyCreateMintsANewSession() throws Exception {
		String first = create("av-1");
		String second = create("av-1");

		assertThat(first).isNotEqualTo(second);
		assertThat(this.konpro.activeSessionIds()).containsExactlyInAnyOrder(first, second);
	}

	@Test
	void createGetDeleteThenGetAndDeleteAgainAnswer404() throws Exception {
		String sessionId = create("av-1");

		HttpResponse<String> read = send("GET", SESSIONS + "/" + sessionId, null);
		assertThat(read.statusCode()).isEqualTo(200);
		JsonNode body = json(read);
		assertThat(body.get("session_id").asString()).isEqualTo(sessionId);
		assertThat(body.get("agentic_avatar_id").asString()).isEqualTo("av-1");
		assertThat(body.get("status").asString()).isEqualTo("active");
		assertThat(Instant.parse(body.get("expires_at").asString()))
			.isAfter(Instant.parse(body.get("created_at").asString()));

		HttpResponse<String> deleted = send("DELETE", SESSIONS + "/" + sessionId, null);
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(json(deleted).get("message").asString()).isEqualTo("Session terminated successfully");
		assertThat(json(deleted).get("session_id").asString()).isEqualTo(sessionId);
		assertThat(this.konpro.activeSessionIds()).isEmpty();

		for (String method : new String[] { "GET", "DELETE" }) {
			HttpResponse<String> again = send(method, SESSIONS + "/" + sessionId, null);
			assertThat(again.statusCode()).as(method).isEqualTo(404);
			assertThat(json(again).at("/error/code").asString()).isEqualTo("RESOURCE_NOT_FOUND");
			assertThat(json(again).at("/error/message").asString()).isEqualTo("Session not found");
		}
	}

	@Test
	void createWithoutAvatarIdAnswers400() throws Exception {
		for (String body : new String[] { "{}", "{\"agentic_avatar_id\":\"\"}", "{\"agentic_avatar_id\":5}", "" }) {
			HttpResponse<String> response = send("POST", SESSIONS, body);

			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(json(response).at("/error/code").asString()).isEqualTo("VALIDATION_ERROR");
			assertThat(json(response).at("/error/message").asString()).isEqualTo("agentic_avatar_id is required");
			assertThat(json(response).get("request_id").asString()).startsWith("req_");
		}
		assertThat(this.konpro.sessionIds()).isEmpty();
	}

	@Test
	void sessionsExpireAfterTheirLifetime() throws Exception {
		this.konpro.sessionLifetime(Duration.ofMillis(100));
		String sessionId = create("av-1");

		Thread.sleep(300);

		assertThat(json(send("GET", SESSIONS + "/" + sessionId, null)).get("status").asString()).isEqualTo("expired");
		assertThat(this.konpro.activeSessionIds()).isEmpty();
		assertThat(this.konpro.sessionIds()).containsExactly(sessionId);
	}

	@Test
	void encodedSlashStaysInsideOneSegment() throws Exception {
		HttpResponse<String> encoded = send("GET", SESSIONS + "/ws_a%2Fb", null);
		HttpResponse<String> split = send("GET", SESSIONS + "/ws_a/b", null);

		assertThat(encoded.statusCode()).isEqualTo(404);
		assertThat(json(encoded).at("/error/message").asString()).isEqualTo("Session not found");
		assertThat(split.statusCode()).isEqualTo(404);
		assertThat(json(split).at("/error/message").asString()).isEqualTo("Not found");
		assertThat(this.konpro.requestLog()).containsExactly("GET " + SESSIONS + "/ws_a%2Fb",
				"GET " + SESSIONS + "/ws_a/b");
	}

	@Test
	void wrongMethodAnswers405() throws Exception {
		HttpResponse<String> response = send("GET", SESSIONS, null);

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("POST");
	}

	@Test
	void resetForgetsSessionsAndCounters() throws Exception {
		String sessionId = create("av-1");

		this.konpro.reset();

		assertThat(this.konpro.requestCount()).isZero();
		assertThat(this.konpro.lastCreateResponseBody()).isNull();
		assertThat(this.konpro.sessionIds()).isEmpty();
		assertThat(send("GET", SESSIONS + "/" + sessionId, null).statusCode()).isEqualTo(404);
	}

	private String create(String avatarId) throws Exception {
		HttpResponse<String> response = send("POST", SESSIONS, "{\"agentic_avatar_id\":\"" + avatarId + "\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		return json(response).at("/data/session_id").asString();
	}

	private HttpResponse<String> send(String method, String path, @Nullable String body) throws Exception {
		return send(method, path, KEY, body);
	}

	private HttpResponse<String> send(String method, String path, @Nullable String apiKey, @Nullable String body)
			throws Exception {
		HttpRequest.Builder request = this.client.request(method, path, body);
		if (apiKey != null) {
			request.header("x-api-key", apiKey);
		}
		return this.client.send(request);
	}

}
