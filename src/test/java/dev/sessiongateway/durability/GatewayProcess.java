package dev.sessiongateway.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.sessiongateway.SessionGatewayApplication;

import static org.assertj.core.api.Assertions.fail;

/**
 * The gateway in a JVM of its own, started from the test classpath as an operator starts
 * it, in its own working directory, with its settings as command-line arguments and its
 * output in a log file. It can be killed with SIGKILL or stopped as an orchestrator stops
 * it. Every gateway still running when the test JVM exits is killed.
 */
final class GatewayProcess implements AutoCloseable {

	static final String CLIENT_KEY = "durability-client-key-not-real";

	/**
	 * The shortest opening timeout and lease the settings of {@link #settings} allow: the
	 * longest provider call (pool wait, connect, read) plus the 10 s of slack the gateway
	 * checks for.
	 */
	static final Duration SHORTEST_LEASE = Duration.ofSeconds(13);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "kill-child-gateways"));
	}

	private final String name;

	private final Process process;

	private final Path log;

	private final int port;

	private GatewayProcess(String name, Process process, Path log, int port) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * What every gateway here is given: a client with the sessions and ops roles for any
	 * Pathors project, provider keys, Pathors at {@code pathorsBaseUrl}, provider calls
	 * short enough for a lease of {@link #SHORTEST_LEASE}, that lease, opening timeout
	 * and time a create may still land, and a worker that looks for due ends every 200
	 * ms. Konpro is never called.
	 */
	static Map<String, String> settings(String pathorsBaseUrl) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("gateway.pathors.base-url", pathorsBaseUrl);
		settings.put("gateway.pathors.api-key", PathorsStub.API_KEY);
		settings.put("gateway.konpro.base-url", "http://127.0.0.1:9");
		settings.put("gateway.konpro.api-key", "konpro-durability-key-not-real");
		settings.put("gateway.clients[0].name", "durability");
		settings.put("gateway.clients[0].key-sha256", sha256(CLIENT_KEY));
		settings.put("gateway.clients[0].roles", "sessions,ops");
		settings.put("gateway.clients[0].pathors-projects", "*");
		for (String provider : List.of("pathors", "konpro")) {
			settings.put("gateway." + provider + ".pool-wait", "500ms");
			settings.put("gateway." + provider + ".connect-timeout", "500ms");
			settings.put("gateway." + provider + ".read-timeout", "2s");
		}
		String lease = SHORTEST_LEASE.toSeconds() + "s";
		settings.put("gateway.sessions.opening-timeout", lease);
		settings.put("gateway.sessions.verify-after", lease);
		settings.put("gateway.sessions.worker.lease", lease);
		settings.put("gateway.sessions.worker.poll-interval", "200ms");
		return settings;
	}

	/**
	 * Starts a gateway in {@code directory}, logging to {@code <name>.log} there, on a
	 * free port.
	 */
	static GatewayProcess start(String name, Path directory, Map<String, String> settings) {
		int port = freePort();
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						// a quick start on a small machine; these JVMs live for seconds
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
						SessionGatewayApplication.class.getName(), "--server.port=" + port));
		settings.forEach((key, value) -> command.add("--" + key + "=" + value));
		try {
			Files.createDirectories(directory);
			Path log = directory.resolve(name + ".log");
			Process process = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			RUNNING.add(process);
			return new GatewayProcess(name, process, log, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	/** Waits until readiness answers 200; fails when the JVM exits or time is up. */
	GatewayProcess awaitReady(Duration within) throws InterruptedException {
		HttpRequest readiness = HttpRequest.newBuilder(uri("/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(5))
			.build();
		long deadline = System.nanoTime() + within.toNanos();
		String last = "no answer";
		while (deadline - System.nanoTime() > 0) {
			if (!this.process.isAlive()) {
				fail("gateway %s exited with %d before it was ready", this.name, this.process.exitValue());
			}
			try {
				HttpResponse<String> answer = HTTP.send(readiness, HttpResponse.BodyHandlers.ofString());
				if (answer.statusCode() == 200) {
					return this;
				}
				last = answer.statusCode() + " " + answer.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(100);
		}
		return fail("gateway %s was not ready within %s; last answer: %s", this.name, within, last);
	}

	/**
	 * Waits for the JVM to exit on its own.
	 * @return its exit code
	 */
	int awaitExit(Duration within) throws InterruptedException {
		if (!this.process.waitFor(within.toNanos(), TimeUnit.NANOSECONDS)) {
			fail("gateway %s did not exit within %s", this.name, within);
		}
		RUNNING.remove(this.process);
		return this.process.exitValue();
	}

	/**
	 * SIGKILL: the JVM gets no chance to finish anything.
	 * @return when the signal was sent, as {@link System#nanoTime()}
	 */
	long kill() throws InterruptedException {
		this.process.destroyForcibly();
		long signalled = System.nanoTime();
		end();
		return signalled;
	}

	/** SIGTERM: the gateway shuts down gracefully. */
	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		end();
	}

	private void end() throws InterruptedException {
		if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
			fail("gateway %s did not exit", this.name);
		}
		RUNNING.remove(this.process);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

	/** Opens a Pathors session; the status the gateway answered. */
	int open(String projectId, String sessionId) throws IOException, InterruptedException {
		return HTTP.send(pathors("POST", projectId, sessionId), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	/**
	 * Opens a Pathors session without waiting; the status, or -1 when no answer came.
	 */
	CompletableFuture<Integer> openAsync(String projectId, String sessionId) {
		return HTTP.sendAsync(pathors("POST", projectId, sessionId), HttpResponse.BodyHandlers.discarding())
			.thenApply(HttpResponse::statusCode)
			.exceptionally((ex) -> -1);
	}

	/**
	 * Sends one request with this key and further headers, without waiting; the answer,
	 * or a failed future when none came.
	 */
	CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String key, @Nullable String body,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.header("X-Api-Key", key)
			.timeout(Duration.ofSeconds(60));
		headers.forEach(request::header);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Sends one request with this key and further headers; the answer. */
	HttpResponse<String> send(String method, String path, String key, @Nullable String body,
			Map<String, String> headers) {
		return sendAsync(method, path, key, body, headers).join();
	}

	/** Counts of live sessions by status, from the ops stats. */
	Map<String, Long> liveCounts() throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(uri("/ops/sessions/stats"))
			.header("X-Api-Key", CLIENT_KEY)
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 200) {
			fail("gateway %s answered the ops stats with %d: %s", this.name, answer.statusCode(), answer.body());
		}
		Map<String, Long> counts = new LinkedHashMap<>();
		for (JsonNode count : JSON.readTree(answer.body()).path("live")) {
			counts.merge(count.path("status").asString(), count.path("count").asLong(), Long::sum);
		}
		return counts;
	}

	private HttpRequest pathors(String method, String projectId, String sessionId) {
		String body = "{\"session_id\":\"" + sessionId + "\"}";
		return HttpRequest.newBuilder(uri("/pathors/v1/projects/" + projectId + "/sessions"))
			.header("X-Api-Key", CLIENT_KEY)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/** The gateway's output so far, for a failure report. */
	String output() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
