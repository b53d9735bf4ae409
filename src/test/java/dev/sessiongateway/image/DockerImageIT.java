package dev.sessiongateway.image;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The image as the Dockerfile makes it, started as a container starts it: its entrypoint
 * in its working directory, with the image's environment plus what a deployment gives it
 * (provider keys, a client, a database, a port), and with the JVM told to refuse a start
 * without the AOT cache the image was built with. Runs after {@code package}, on the jar
 * that ships; a Dockerfile change that breaks the image fails here.
 */
class DockerImageIT {

	private static final Path PROJECT = Path.of(System.getProperty("project.basedir", "")).toAbsolutePath();

	private static final Path WORK = PROJECT.resolve("target/image-launch");

	private static final Duration READY_WITHIN = Duration.ofSeconds(60);

	private static final String CLIENT_KEY = "image-check-key-not-real";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void theImageRunsAsANonRootUserAndItsEntrypointBecomesReady() throws Exception {
		DockerImage image = DockerImage.build(PROJECT, WORK);
		assertThat(image.user()).as("the image's user").isNotIn("root", "0");
		Map<String, String> imageEnvironment = image.environment();
		assertThat(imageEnvironment).as("the image's environment").containsKey("JAVA_TOOL_OPTIONS");

		Path log = WORK.resolve("gateway.log");
		int port = freePort();
		ProcessBuilder builder = new ProcessBuilder(image.entrypoint()).directory(image.workdir().toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().clear();
		builder.environment().putAll(imageEnvironment);
		builder.environment().putAll(deploymentEnvironment(port));
		// the JVM refuses to start when the entrypoint's AOT cache cannot be used
		builder.environment().put("JDK_JAVA_OPTIONS", "-XX:AOTMode=on");
		Process gateway = builder.start();
		try {
			String readiness = awaitReadiness(gateway, port);
			assertThat(JSON.readTree(readiness).path("status").asString()).as("readiness").isEqualTo("UP");
			String output = Files.readString(log);
			assertThat(output).as("the JVM took the image's JAVA_TOOL_OPTIONS")
				.contains("Picked up JAVA_TOOL_OPTIONS: " + imageEnvironment.get("JAVA_TOOL_OPTIONS"));
			output.lines().filter((line) -> line.contains("Started ")).forEach(System.out::println);
		}
		catch (Throwable failure) {
			System.err.println("--- " + String.join(" ", image.entrypoint()) + " in " + image.workdir());
			System.err.println(Files.readString(log));
			throw failure;
		}
		finally {
			gateway.destroy();
			if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
				gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private static Map<String, String> deploymentEnvironment(int port) throws Exception {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("SERVER_PORT", String.valueOf(port));
		environment.put("SPRING_DATASOURCE_URL", "jdbc:h2:file:" + WORK.resolve("data/session-gateway"));
		// Nothing leaves this machine: no provider is asked anything while the gateway
		// starts.
		environment.put("GATEWAY_PATHORS_BASE_URL", "http://127.0.0.1:9");
		environment.put("GATEWAY_KONPRO_BASE_URL", "http://127.0.0.1:9");
		environment.put("GATEWAY_PATHORS_API_KEY", "dk_pathors-demo-key-not-real");
		environment.put("GATEWAY_KONPRO_API_KEY", "konpro-demo-key-not-real");
		environment.put("GATEWAY_PATHORS_WEBHOOK_SECRET", "webhook-demo-secret-not-real");
		environment.put("GATEWAY_CLIENTS_0_NAME", "image-check");
		environment.put("GATEWAY_CLIENTS_0_KEY_SHA256", HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(CLIENT_KEY.getBytes(StandardCharsets.UTF_8))));
		environment.put("GATEWAY_CLIENTS_0_ROLES", "sessions");
		environment.put("GATEWAY_CLIENTS_0_PATHORS_PROJECTS", "*");
		return environment;
	}

	/**
	 * The readiness body once it answers 200; fails when the process ends or time is up.
	 */
	private static String awaitReadiness(Process gateway, int port) throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest readiness = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		Instant deadline = Instant.now().plus(READY_WITHIN);
		String last = "no answer";
		while (Instant.now().isBefore(deadline)) {
			if (!gateway.isAlive()) {
				fail("the gateway exited with %d before it was ready", gateway.exitValue());
			}
			try {
				HttpResponse<String> answer = http.send(readiness, HttpResponse.BodyHandlers.ofString());
				if (answer.statusCode() == 200) {
					return answer.body();
				}
				last = answer.statusCode() + " " + answer.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(250);
		}
		return fail("not ready within %s; last answer: %s", READY_WITHIN, last);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
