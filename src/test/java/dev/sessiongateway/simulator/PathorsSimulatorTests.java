package dev.sessiongateway.simulator;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.sessiongateway.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class PathorsSimulatorTests {

	private static final String KEY = "dk_simulator_test";

	private static final String SESSIONS = "/v1/projects/proj-1/sessions";

	private PathorsSimulator pathors;

	private SimulatorClient client;

	@BeforeEach
	void start() {
		this.pathors = new PathorsSimulator(0, KEY).start();
		this.client = new SimulatorClient(this.pathors);
	}

	@AfterEach
	void stop() {
		this.pathors.close();
	}

	@Test
	void startsOnARandomLoopbackPort() {
		assertThat(this.pathors.port()).isPositive();
		assertThat(this.pathors.baseUrl()).isEqualTo("http://127.0.0.1:" + this.pathors.port());
	}

	@Test
	void wrongMissingOrOldStyleKeyAnswers401() throws Exception {
		HttpResponse<String> wrong = send("GET", SESSIONS + "/s1", "Bearer dk_other", null);
		HttpResponse<String> missing = send("GET", SESSIONS + "/s1", null, null);
		HttpResponse<String> oldHeader = send(request("GET", SESSIONS + "/s1", null, null).header("x-api-key", KEY));

		for (HttpResponse<String> response : List.of(wrong, missing, oldHeader)) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(json(response).at("/error/message").asString()).isEqualTo("Invalid API key");
		}
		assertThat(this.pathors.requestCount()).isEqualTo(3);
	}

	@Test
	void createGetEndThenGetAnswers404() throws Exception {
		HttpResponse<String> created = send("POST", SESSIONS,
				"{\"session_id\":\"s1\",\"variables\":{\"name\":\"Ada\"},\"provider\":\"api\"}");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(json(created).get("sessionId").asString()).isEqualTo("s1");
		assertThat(json(created).get("pathwayId").asString()).isEqualTo("pw_demo");
		assertThat(this.pathors.activeSessionIds("proj-1")).containsExactly("s1");

		HttpResponse<String> read = send("GET", SESSIONS + "/s1", null);
		assertThat(read.statusCode()).isEqualTo(200);
		JsonNode body = json(read);
		assertThat(body.get("sessionId").asString()).isEqualTo("s1");
		assertThat(body.at("/data/variables/name").asString()).isEqualTo("Ada");
		assertThat(body.at("/data/messages").isArray()).isTrue();
		assertThat(Instant.parse(body.get("createdAt").asString())).isBeforeOrEqualTo(Instant.now());
		assertThat(body.get("updatedAt").isString()).isTrue();

		HttpResponse<String> ended = send("DELETE", SESSIONS, "{\"session_id\":\"s1\"}");
		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(json(ended).get("success").asBoolean()).isTrue();
		assertThat(json(ended).get("sessionId").asString()).isEqualTo("s1");
		assertThat(json(ended).get("message").asString()).isEqualTo("Session ended");
		assertThat(this.pathors.activeSessionIds("proj-1")).isEmpty();

		HttpResponse<String> readAgain = send("GET", SESSIONS + "/s1", null);
		assertThat(readAgain.statusCode()).isEqualTo(404);
		assertThat(json(readAgain).at("/error/message").asString()).isEqualTo("Session not found");
	}

	@Test
	void createWithoutSessionIdAnswers400WithTheFlatError() throws Exception {
		for (String body : new String[] { "{}", "{\"session_id\":\"  \"}", "{\"session_id\":7}", "" }) {
			HttpResponse<String> response = send("POST", SESSIONS, body);

			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(json(response).get("error").asString()).isEqualTo("session_id is required");
		}
		assertThat(this.pathors.activeSessionIds("proj-1")).isEmpty();
	}

	@Test
	void createWithInvalidJsonAnswers400() throws Exception {
		HttpResponse<String> response = send("POST", SESSIONS, "{\"session_id\":");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).at("/error/message").asString()).isEqualTo("Invalid JSON");
	}

	@Test
	void duplicateSessionIdInTheSameProjectAnswers409() throws Exception {
		assertThat(send("POST", SESSIONS, "{\"session_id\":\"dup\"}").statusCode()).isEqualTo(201);

		HttpResponse<String> again = send("POST", SESSIONS, "{\"session_id\":\"dup\"}");
		HttpResponse<String> otherProject = send("POST", "/v1/projects/proj-2/sessions", "{\"session_id\":\"dup\"}");

		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(json(again).at("/error/message").asString()).isEqualTo("Session already exists");
		assertThat(json(again).at("/error/details/session_id").asString()).isEqualTo("dup");
		assertThat(otherProject.statusCode()).isEqualTo(201);
		assertThat(this.pathors.activeSessionIds("proj-1")).containsExactly("dup");
		assertThat(this.pathors.activeSessionIds("proj-2")).containsExactly("dup");
	}

	@Test
	void deleteEndsOnlyTheSessionNamedInItsBody() throws Exception {
		send("POST", SESSIONS, "{\"session_id\":\"keep\"}");
		send("POST", SESSIONS, "{\"session_id\":\"drop\"}");

		HttpResponse<String> ended = send("DELETE", SESSIONS, "{\"session_id\":\"drop\"}");

		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(this.pathors.activeSessionIds("proj-1")).containsExactly("keep");
		assertThat(this.pathors.lastRequestBody()).isEqualTo("{\"session_id\":\"drop\"}");
		assertThat(this.pathors.requestLog()).last().isEqualTo("DELETE " + SESSIONS);
	}

	@Test
	void deleteWithoutBodyOrSessionIdAnswers400() throws Exception {
		send("POST", SESSIONS, "{\"session_id\":\"s1\"}");

		HttpResponse<String> noBody = send("DELETE", SESSIONS, null);
		HttpResponse<String> noId = send("DELETE", SESSIONS, "{\"other\":1}");

		for (HttpResponse<String> response : List.of(noBody, noId)) {
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(json(response).get("error").asString()).isEqualTo("session_id is required");
		}
		assertThat(this.pathors.activeSessionIds("proj-1")).containsExactly("s1");
	}

	@Test
	void deleteOfAnUnknownSessionStillSucceeds() throws Exception {
		HttpResponse<String> response = send("DELETE", SESSIONS, "{\"session_id\":\"never\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).get("success").asBoolean()).isTrue();
	}

	@Test
	void terminateReportsWhetherASessionWasEnded() throws Exception {
		send("POST", SESSIONS, "{\"session_id\":\"live\"}");

		HttpResponse<String> first = send("POST", SESSIONS + "/terminate", "{\"session_id\":\"live\"}");
		HttpResponse<String> second = send("POST", SESSIONS + "/terminate", "{\"session_id\":\"live\"}");
		HttpResponse<String> empty = send("POST", SESSIONS + "/terminate", null);

		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(json(first).get("success").asBoolean()).isTrue();
		assertThat(json(first).get("sessionType").asString()).isEqualTo("api");
		assertThat(json(second).get("success").asBoolean()).isFalse();
		assertThat(json(empty).get("success").asBoolean()).isFalse();
		assertThat(this.pathors.activeSessionIds("proj-1")).isEmpty();
	}

	@Test
	void encodedSlashStaysInsideOneSegment() throws Exception {
		String sessions = "/v1/projects/team%2Fa/sessions";
		send("POST", sessions, "{\"session_id\":\"a/b+c\"}");

		HttpResponse<String> read = send("GET", sessions + "/a%2Fb+c", null);
		HttpResponse<String> split = send("GET", "/v1/projects/team/a/sessions/a%2Fb+c", null);

		assertThat(this.pathors.activeSessionIds("team/a")).containsExactly("a/b+c");
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(json(read).get("sessionId").asString()).isEqualTo("a/b+c");
		assertThat(split.statusCode()).isEqualTo(404);
		assertThat(this.pathors.requestLog()).contains("GET " + sessions + "/a%2Fb+c");
	}

	@Test
	void legacyPathsAreSwitchedOff() throws Exception {
		for (String path : new String[] { "/project/proj-1/integration/api/sessions",
				"/api/project/proj-1/integration/api/sessions" }) {
			HttpResponse<String> response = send("POST", path, "{\"session_id\":\"s1\"}");

			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(json(response).at("/error/message").asString()).isEqualTo("Not found");
		}
		assertThat(this.pathors.activeSessionIds("proj-1")).isEmpty();
	}

	@Test
	void unknownPathAnswers404AndWrongMethodAnswers405() throws Exception {
		HttpResponse<String> unknown = send("GET", "/v2/whatever", null);
		HttpResponse<String> wrongMethod = send("PUT", SESSIONS, "{}");

		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(wrongMethod.statusCode()).isEqualTo(405);
		assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST, DELETE");
		assertThat(json(wrongMethod).at("/error/message").asString()).isEqualTo("Method not allowed");
	}

	@Test
	void resetForgetsSessionsAndCounters() throws Exception {
		send("POST", SESSIONS, "{\"session_id\":\"s1\"}");
		assertThat(this.pathors.requestCount()).isEqualTo(1);

		this.pathors.reset();

		assertThat(this.pathors.requestCount()).isZero();
		assertThat(this.pathors.requestLog()).isEmpty();
		assertThat(this.pathors.activeSessionIds("proj-1")).isEmpty();
		assertThat(send("GET", SESSIONS + "/s1", null).statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> send(String method, String path, @Nullable String body) throws Exception {
		return send(method, path, "Bearer " + KEY, body);
	}

	private HttpResponse<String> send(String method, String path, @Nullable String authorization, @Nullable String body)
			throws Exception {
		return send(request(method, path, authorization, body));
	}

	private HttpRequest.Builder request(String method, String path, @Nullable String authorization,
			@Nullable String body) {
		HttpRequest.Builder request = this.client.request(method, path, body);
		return (authorization != null) ? request.header("Authorization", authorization) : request;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.client.send(request);
	}

}
