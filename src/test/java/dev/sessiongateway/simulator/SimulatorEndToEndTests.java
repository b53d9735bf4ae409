package dev.sessiongateway.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway against both simulators, as a newcomer uses it: open, list, end, list
 * again; and what the simulated providers hold afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class SimulatorEndToEndTests {

	private static final PathorsSimulator pathors = new PathorsSimulator(0, "dk_simulated").start();

	private static final KonproSimulator konpro = new KonproSimulator(0, "konpro-simulated").start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void simulators(DynamicPropertyRegistry registry) {
		registry.add("gateway.pathors.base-url", pathors::baseUrl);
		registry.add("gateway.pathors.api-key", () -> "dk_simulated");
		registry.add("gateway.konpro.base-url", konpro::baseUrl);
		registry.add("gateway.konpro.api-key", () -> "konpro-simulated");
	}

	@AfterAll
	static void stopSimulators() {
		pathors.stop();
		konpro.stop();
	}

	@BeforeEach
	void cleanSlate() {
		pathors.reset();
		konpro.reset();
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
	}

	private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", "Bearer " + key);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private List<String> listed(String query) throws Exception {
		HttpResponse<String> response = call("GET", "/ops/sessions" + query, "test-ops-key", null);
		assertThat(response.statusCode()).isEqualTo(200);
		List<String> rows = new ArrayList<>();
		JSON.readTree(response.body())
			.path("items")
			.forEach((item) -> rows.add(item.path("provider").asString() + ":" + item.path("sessionId").asString() + ":"
					+ item.path("status").asString()));
		return rows;
	}

	@Test
	void pathorsSessionOpenListEndListAgain() throws Exception {
		String sessions = "/pathors/v1/projects/proj-a/sessions";

		HttpResponse<String> opened = call("POST", sessions, "test-service-key",
				"{\"session_id\":\"chat-1\",\"variables\":{\"customer\":\"c-42\"},\"provider\":\"api\"}");
		assertThat(opened.statusCode()).isEqualTo(201);
		assertThat(pathors.activeSessionIds("proj-a")).containsExactly("chat-1");
		assertThat(listed("")).containsExactly("pathors:chat-1:ACTIVE");

		HttpResponse<String> read = call("GET", sessions + "/chat-1", "test-service-key", null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).contains("c-42");

		HttpResponse<String> ended = call("DELETE", sessions, "test-service-key", "{\"session_id\":\"chat-1\"}");
		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(pathors.activeSessionIds("proj-a")).isEmpty();
		assertThat(listed("")).isEmpty();
		assertThat(listed("?status=ENDED")).containsExactly("pathors:chat-1:ENDED");
	}

	@Test
	void legacyClientsKeepWorkingThroughTheGateway() throws Exception {
		String legacy = "/pathors/api/project/proj-a/integration/api/session";

		assertThat(call("POST", legacy, "test-service-key", "{\"session_id\":\"old-1\"}").statusCode()).isEqualTo(201);
		assertThat(call("GET", legacy + "/old-1", "test-service-key", null).statusCode()).isEqualTo(200);
		assertThat(call("DELETE", legacy, "test-service-key", "{\"session_id\":\"old-1\"}").statusCode())
			.isEqualTo(200);

		assertThat(pathors.requestLog()).allMatch((line) -> line.contains(" /v1/projects/proj-a/sessions"));
		assertThat(listed("?status=ENDED")).containsExactly("pathors:old-1:ENDED");
	}

	@Test
	void konproSessionOpenListEndListAgain() throws Exception {
		String sessions = "/konpro/v1/widget/sessions";

		HttpResponse<String> opened = call("POST", sessions, "test-service-key",
				"{\"agentic_avatar_id\":\"avatar-1\",\"settings\":{\"max_duration\":600}}");
		assertThat(opened.statusCode()).isEqualTo(200);
		assertThat(opened.body()).isEqualTo(konpro.lastCreateResponseBody());
		assertThat(opened.headers().firstValue("Cache-Control")).hasValue("no-store");
		String sessionId = JSON.readTree(opened.body()).path("data").path("session_id").asString();
		assertThat(konpro.activeSessionIds()).containsExactly(sessionId);
		assertThat(listed("")).containsExactly("konpro:" + sessionId + ":ACTIVE");

		assertThat(call("GET", sessions + "/" + sessionId, "test-service-key", null).statusCode()).isEqualTo(200);

		HttpResponse<String> ended = call("DELETE", sessions + "/" + sessionId, "test-service-key", null);
		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(konpro.activeSessionIds()).isEmpty();
		assertThat(listed("")).isEmpty();
		assertThat(listed("?status=ENDED")).containsExactly("konpro:" + sessionId + ":ENDED");
	}

	@Test
	void aSessionEndedBehindTheGatewaysBackIsNoticedOnTheNextRead() throws Exception {
		HttpResponse<String> opened = call("POST", "/konpro/v1/widget/sessions", "test-service-key",
				"{\"agentic_avatar_id\":\"avatar-1\"}");
		JsonNode created = JSON.readTree(opened.body());
		String sessionId = created.path("data").path("session_id").asString();
		HttpRequest direct = HttpRequest.newBuilder(URI.create(konpro.baseUrl() + "/v1/widget/sessions/" + sessionId))
			.header("x-api-key", "konpro-simulated")
			.DELETE()
			.build();
		assertThat(http.send(direct, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

		HttpResponse<String> read = call("GET", "/konpro/v1/widget/sessions/" + sessionId, "test-service-key", null);

		assertThat(read.statusCode()).isEqualTo(404);
		assertThat(listed("?status=ENDED")).containsExactly("konpro:" + sessionId + ":ENDED");
	}

}
