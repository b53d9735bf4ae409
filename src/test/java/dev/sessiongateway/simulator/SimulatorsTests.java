package dev.sessiongateway.simulator;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.sessiongateway.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Both simulators on one server, as the switch and the simulators mode run them: each
 * under its own path with its demo key, and nothing else.
 */
class SimulatorsTests {

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Simulators simulators;

	@BeforeEach
	void start() {
		this.simulators = Simulators.bind("127.0.0.1", 0);
		this.simulators.start();
	}

	@AfterEach
	void stop() {
		this.simulators.close();
	}

	private HttpResponse<String> send(String method, String path, @Nullable String body, String... headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.simulators.baseUrl() + path))
			.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody())
			.header("Content-Type", "application/json");
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

	@Test
	void pathorsIsServedUnderItsPathWithItsDemoKey() throws Exception {
		HttpResponse<String> created = send("POST", "/pathors/v1/projects/proj-1/sessions", "{\"session_id\":\"s1\"}",
				"Authorization", "Bearer " + Simulators.PATHORS_KEY);
		HttpResponse<String> read = send("GET", "/pathors/v1/projects/proj-1/sessions/s1", null, "Authorization",
				"Bearer " + Simulators.PATHORS_KEY);
		HttpResponse<String> otherKey = send("GET", "/pathors/v1/projects/proj-1/sessions/s1", null, "Authorization",
				"Bearer dk_real_looking_key");

		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(otherKey.statusCode()).isEqualTo(401);
		assertThat(this.simulators.pathors().activeSessionIds("proj-1")).containsExactly("s1");
		assertThat(this.simulators.pathors().requestLog()).containsExactly("POST /v1/projects/proj-1/sessions",
				"GET /v1/projects/proj-1/sessions/s1", "GET /v1/projects/proj-1/sessions/s1");
	}

	@Test
	void konproIsServedUnderItsPathWithItsDemoKey() throws Exception {
		HttpResponse<String> created = send("POST", "/konpro/v1/widget/sessions", "{\"agentic_avatar_id\":\"a1\"}",
				"x-api-key", Simulators.KONPRO_KEY);
		String sessionId = json(created).at("/data/session_id").asString();
		HttpResponse<String> ended = send("DELETE", "/konpro/v1/widget/sessions/" + sessionId, null, "x-api-key",
				Simulators.KONPRO_KEY);

		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(ended.statusCode()).isEqualTo(200);
		assertThat(this.simulators.konpro().sessionIds()).isEmpty();
		assertThat(send("POST", "/konpro/v1/widget/sessions", "{\"agentic_avatar_id\":\"a1\"}", "x-api-key",
				Simulators.PATHORS_KEY)
			.statusCode()).isEqualTo(401);
	}

	@Test
	void anyOtherPathIsNotFoundAndNamesWhereEachProviderIs() throws Exception {
		for (String path : new String[] { "/", "/v1/projects/proj-1/sessions", "/pathorsx/v1/projects/p/sessions",
				"/%70athors/v1/projects/p/sessions", "/pathors" }) {
			HttpResponse<String> answer = send("POST", path, "{\"session_id\":\"s1\"}", "Authorization",
					"Bearer " + Simulators.PATHORS_KEY);

			assertThat(answer.statusCode()).as(path).isEqualTo(404);
		}
		assertThat(json(send("GET", "/", null)).at("/error/message").asString())
			.isEqualTo("Not found: the simulated Pathors is under /pathors, Konpro under /konpro");
		assertThat(this.simulators.pathors().activeSessionIds("p")).isEmpty();
	}

	@Test
	void aPathIsTakenBelowTheContextItIsServedUnder() {
		assertThat(Simulator.below("/pathors/", "/pathors/v1/projects/p/sessions"))
			.isEqualTo("/v1/projects/p/sessions");
		assertThat(Simulator.below("/", "/v1/projects/p/sessions")).isEqualTo("/v1/projects/p/sessions");
		assertThat(Simulator.below("/pathors/", "/%70athors/v1/x")).isEqualTo("/%70athors/v1/x");
	}

	@Test
	void aStoppedServerFreesItsPortAndAnUnstartedOneCanBeClosed() throws Exception {
		int port = this.simulators.port();
		this.simulators.stop();

		assertThat(this.simulators.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> send("GET", "/", null));
		try (ServerSocket again = new ServerSocket(port)) {
			assertThat(again.getLocalPort()).isEqualTo(port);
		}
		Simulators unstarted = Simulators.bind("127.0.0.1", 0);
		unstarted.close();
		assertThat(unstarted.isRunning()).isFalse();
	}

	@Test
	void theSimulatorsModeServesBothAtTheConfiguredPortUntilClosed() throws Exception {
		try (ConfigurableApplicationContext served = Simulators.serve("--gateway.simulators.port=0")) {
			Simulators running = served.getBean(Simulators.class);
			assertThat(running.isRunning()).isTrue();
			assertThat(running.baseUrl()).startsWith("http://127.0.0.1:");
			HttpRequest created = HttpRequest
				.newBuilder(URI.create(running.baseUrl() + "/pathors/v1/projects/proj-1/sessions"))
				.header("Authorization", "Bearer " + Simulators.PATHORS_KEY)
				.POST(BodyPublishers.ofString("{\"session_id\":\"s1\"}"))
				.build();
			assertThat(this.http.send(created, BodyHandlers.ofString()).statusCode()).isEqualTo(201);
			served.close();
			assertThat(running.isRunning()).isFalse();
		}
	}

}
