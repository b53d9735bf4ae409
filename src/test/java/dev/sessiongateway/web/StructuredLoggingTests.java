package dev.sessiongateway.web;

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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.sessiongateway.SessionGatewayApplication;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} switches the log to one JSON object a
 * line, with each request's id and its access line's fields, and still no secret. The
 * gateway runs in a JVM of its own, as an operator starts it: logging is set up once per
 * JVM, so switching it inside the test JVM would change the other tests' log.
 */
class StructuredLoggingTests {

	private static final String PATHORS_KEY = "dk_STRUCTURED_PATHORS_KEY_MARKER_51f0";

	private static final String KONPRO_KEY = "STRUCTURED_KONPRO_KEY_MARKER_8a2c";

	private static final String WEBHOOK_SECRET = "STRUCTURED_WEBHOOK_SECRET_MARKER_c7d1";

	private static final String CLIENT_KEY = "structured-client-key-marker-77e3";

	private static final List<String> SECRETS = List.of(PATHORS_KEY, KONPRO_KEY, WEBHOOK_SECRET, CLIENT_KEY);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WireMockServer pathors = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

	private final HttpClient http = HttpClient.newHttpClient();

	private Process gateway;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.gateway != null && this.gateway.isAlive()) {
			this.gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		this.pathors.stop();
	}

	@Test
	void theSwitchMakesEveryLineJsonWithTheRequestIdAndNoSecret() throws Exception {
		this.pathors.start();
		this.pathors.stubFor(post(urlEqualTo("/v1/projects/proj-j/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"j-1\"}")));
		this.pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-j/sessions"))
			.willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		Path directory = Files.createDirectories(Path.of("target", "structured-logging"));
		Path stdout = directory.resolve("stdout.log");
		Path stderr = directory.resolve("stderr.log");
		int port = freePort();
		start(port, stdout, stderr);

		awaitReady(port, stdout);
		assertThat(send(port, "POST", "json-req-1", CLIENT_KEY, "{\"session_id\":\"j-1\",\"variables\":{\"v\":1}}"))
			.isEqualTo(201);
		assertThat(send(port, "DELETE", "json-req-2", CLIENT_KEY, "{\"session_id\":\"j-1\"}")).isEqualTo(202);
		assertThat(send(port, "POST", "json-req-3", CLIENT_KEY + "-wrong", "{\"session_id\":\"j-2\"}")).isEqualTo(401);
		this.gateway.destroy();
		assertThat(this.gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();

		String out = Files.readString(stdout, StandardCharsets.UTF_8);
		String err = Files.readString(stderr, StandardCharsets.UTF_8);
		for (String secret : SECRETS) {
			assertThat(out).doesNotContain(secret);
			assertThat(err).doesNotContain(secret);
		}
		List<JsonNode> lines = new ArrayList<>();
		for (String line : out.lines().filter((line) -> !line.isBlank()).toList()) {
			try {
				lines.add(JSON.readTree(line));
			}
			catch (RuntimeException ex) {
				fail("not one JSON object: %s", line);
			}
		}
		assertThat(lines).hasSizeGreaterThan(5).allSatisfy((line) -> assertThat(line.isObject()).isTrue());
		JsonNode opened = only(lines, "json-req-1", "dev.sessiongateway.access");
		assertThat(opened.path("message").asString()).startsWith("POST /pathors/v1/projects/{projectId}/sessions 201 ");
		assertThat(opened.path("route").asString()).isEqualTo("/pathors/v1/projects/{projectId}/sessions");
		assertThat(opened.path("status").asInt()).isEqualTo(201);
		assertThat(opened.path("client").asString()).isEqualTo("structured-client");
		assertThat(opened.path("durationMs").isNumber()).isTrue();
		JsonNode failed = only(lines, "json-req-2", "dev.sessiongateway.upstream.Upstream");
		assertThat(failed.path("message").asString()).contains("Pathors end call to 127.0.0.1:" + this.pathors.port())
			.endsWith(": connection reset");
		assertThat(only(lines, "json-req-3", "dev.sessiongateway.access").path("status").asInt()).isEqualTo(401);
		assertThat(out).doesNotContain("\"v\":1");
	}

	/** The one line of this request from this logger. */
	private static JsonNode only(List<JsonNode> lines, String requestId, String logger) {
		List<JsonNode> found = lines.stream()
			.filter((line) -> requestId.equals(line.path("requestId").asString()))
			.filter((line) -> logger.equals(loggerOf(line)))
			.toList();
		assertThat(found).as("%s lines of %s in %s", logger, requestId, lines).hasSize(1);
		return found.getFirst();
	}

	/** The logger's name, flat ({@code log.logger}) or nested ({@code log: {logger}}). */
	private static String loggerOf(JsonNode line) {
		JsonNode flat = line.path("log.logger");
		return flat.isString() ? flat.asString() : line.path("log").path("logger").asString();
	}

	private void start(int port, Path stdout, Path stderr) throws Exception {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				SessionGatewayApplication.class.getName(), "--server.port=" + port,
				"--spring.datasource.url=jdbc:h2:mem:structured;DB_CLOSE_DELAY=-1",
				"--gateway.pathors.base-url=" + this.pathors.baseUrl().replace("localhost", "127.0.0.1"),
				"--gateway.konpro.base-url=http://127.0.0.1:9", "--gateway.sessions.worker.enabled=false");
		ProcessBuilder builder = new ProcessBuilder(command).directory(stdout.getParent().toFile())
			.redirectOutput(stdout.toFile())
			.redirectError(stderr.toFile());
		Map<String, String> environment = builder.environment();
		environment.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		environment.put("GATEWAY_PATHORS_API_KEY", PATHORS_KEY);
		environment.put("GATEWAY_KONPRO_API_KEY", KONPRO_KEY);
		environment.put("GATEWAY_PATHORS_WEBHOOK_SECRET", WEBHOOK_SECRET);
		environment.put("GATEWAY_CLIENTS_0_NAME", "structured-client");
		environment.put("GATEWAY_CLIENTS_0_KEY_SHA256", sha256(CLIENT_KEY));
		environment.put("GATEWAY_CLIENTS_0_ROLES", "sessions,ops");
		environment.put("GATEWAY_CLIENTS_0_PATHORS_PROJECTS", "*");
		this.gateway = builder.start();
	}

	private void awaitReady(int port, Path stdout) throws Exception {
		HttpRequest readiness = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.gateway.isAlive()) {
				fail("the gateway exited: %s", Files.readString(stdout));
			}
			try {
				if (this.http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		fail("the gateway was not ready in time: %s", Files.readString(stdout));
	}

	private int send(int port, String method, String requestId, String key, String body) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/pathors/v1/projects/proj-j/sessions"))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.header("X-Request-Id", requestId)
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String sha256(String text) throws Exception {
		return HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

}
