package dev.sessiongateway.simulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The jar that ships, as {@code docker-compose.yml} runs it against simulated providers:
 * once in its simulators mode ({@code java -jar session-gateway.jar simulators}), and
 * once as a gateway replica started with nothing but the switch and the simulators' URL,
 * which opens, lists and ends a session with the demo callers. Runs after
 * {@code package}.
 */
class SimulatorsJarIT {

	private static final Path PROJECT = Path.of(System.getProperty("project.basedir", "")).toAbsolutePath();

	private static final Path JAR = PROJECT.resolve("target/session-gateway.jar");

	private static final Path WORK = PROJECT.resolve("target/simulators-jar");

	private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

	private static final Duration READY_WITHIN = Duration.ofSeconds(90);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void theJarServesTheSimulatorsAloneAndAReplicaWithTheSwitchUsesThem() throws Exception {
		if (Files.exists(WORK)) {
			try (Stream<Path> old = Files.walk(WORK)) {
				for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
		Files.createDirectories(WORK);
		int simulatorsPort = freePort();
		int gatewayPort = freePort();
		Process simulators = start(List.of(Simulators.MODE), Map.of("GATEWAY_SIMULATORS_PORT", "" + simulatorsPort),
				"simulators.log");
		Process gateway = null;
		try {
			gateway = start(List.of(),
					Map.of("GATEWAY_SIMULATORS_ENABLED", "true", "GATEWAY_SIMULATORS_URL",
							"http://127.0.0.1:" + simulatorsPort, "SERVER_PORT", "" + gatewayPort,
							"SPRING_DATASOURCE_URL", "jdbc:h2:file:" + WORK.resolve("data/session-gateway")),
					"gateway.log");
			awaitReady(gateway, gatewayPort);
			String sessions = "/pathors/v1/projects/demo-project/sessions";

			assertThat(
					call(gatewayPort, "POST", sessions, "demo-service-key", "{\"session_id\":\"jar-1\"}").statusCode())
				.isEqualTo(201);
			HttpResponse<String> listed = call(gatewayPort, "GET", "/ops/sessions", "demo-ops-key", null);
			assertThat(JSON.readTree(listed.body()).at("/items/0/sessionId").asString()).isEqualTo("jar-1");
			assertThat(call(gatewayPort, "DELETE", sessions, "demo-service-key", "{\"session_id\":\"jar-1\"}")
				.statusCode()).isEqualTo(200);
			HttpRequest direct = HttpRequest
				.newBuilder(URI
					.create("http://127.0.0.1:" + simulatorsPort + "/pathors/v1/projects/demo-project/sessions/jar-1"))
				.header("Authorization", "Bearer " + Simulators.PATHORS_KEY)
				.build();
			assertThat(this.http.send(direct, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

			assertThat(Files.readString(WORK.resolve("simulators.log")))
				.contains("Serving simulated Pathors at http://127.0.0.1:" + simulatorsPort + "/pathors");
			assertThat(Files.readString(WORK.resolve("gateway.log")))
				.contains("Providers are simulated (gateway.simulators.enabled): Pathors at http://127.0.0.1:"
						+ simulatorsPort + "/pathors")
				.contains("served at gateway.simulators.url with demo keys");
		}
		catch (Throwable failure) {
			for (String log : List.of("simulators.log", "gateway.log")) {
				System.err.println("--- " + log);
				System.err.println(Files.readString(WORK.resolve(log)));
			}
			throw failure;
		}
		finally {
			stop(gateway);
			stop(simulators);
		}
		assertThat(simulators.isAlive()).as("the simulators stopped on SIGTERM").isFalse();
	}

	private static Process start(List<String> arguments, Map<String, String> environment, String log)
			throws IOException {
		List<String> command = new ArrayList<>(List.of(JAVA.toString(), "-jar", JAR.toString()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile())
			.redirectErrorStream(true)
			.redirectOutput(WORK.resolve(log).toFile());
		builder.environment().clear();
		builder.environment().putAll(environment);
		return builder.start();
	}

	private static void stop(@Nullable Process process) throws InterruptedException {
		if (process == null) {
			return;
		}
		process.destroy();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private HttpResponse<String> call(int port, String method, String path, String key, @Nullable String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + key)
			.timeout(Duration.ofSeconds(10));
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void awaitReady(Process gateway, int port) throws Exception {
		HttpRequest readiness = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		Instant deadline = Instant.now().plus(READY_WITHIN);
		while (Instant.now().isBefore(deadline)) {
			if (!gateway.isAlive()) {
				fail("the gateway exited with %d before it was ready", gateway.exitValue());
			}
			try {
				if (this.http.send(readiness, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		fail("not ready within %s", READY_WITHIN);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
