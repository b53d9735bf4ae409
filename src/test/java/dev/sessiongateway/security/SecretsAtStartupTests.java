package dev.sessiongateway.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.SessionGatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway started as an operator starts it, in its own JVM with every logger at
 * DEBUG, given its keys in each way an operator can: an environment variable, a system
 * property and command-line arguments. No key may appear anywhere in what it prints while
 * it starts (Hibernate's settings dump, for one, prints every system property and the
 * command line).
 */
class SecretsAtStartupTests {

	private static final String ARGUMENT_KEY = "dk_CMDLINE_KEY_MARKER_4e1f";

	private static final String ENVIRONMENT_KEY = "ENV_KONPRO_KEY_MARKER_77d0";

	private static final String PROPERTY_SECRET = "SYSPROP_WEBHOOK_SECRET_MARKER_b3a9";

	private static final String ARGUMENT_PROJECT_KEY = "dk_CMDLINE_PROJECT_KEY_MARKER_2c6e";

	@Test
	void keysGivenAsArgumentsPropertiesOrEnvironmentNeverReachTheDebugLog() throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Dgateway.pathors.webhook-secret=" + PROPERTY_SECRET,
				"-cp", System.getProperty("java.class.path"), SessionGatewayApplication.class.getName(),
				"--gateway.pathors.api-key=" + ARGUMENT_KEY,
				"--gateway.pathors.projects.own.api-key=" + ARGUMENT_PROJECT_KEY, "--server.port=0",
				"--management.server.port=0", "--spring.datasource.url=jdbc:h2:mem:secrets;DB_CLOSE_DELAY=-1",
				"--logging.level.root=DEBUG", "--gateway.clients[0].name=svc",
				"--gateway.clients[0].key-sha256=" + "ab".repeat(32), "--gateway.clients[0].roles=sessions"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("GATEWAY_KONPRO_API_KEY", ENVIRONMENT_KEY);
		Process gateway = builder.start();
		StringBuilder output = new StringBuilder();
		CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> readUntilStarted(gateway, output));
		try {
			assertThat(started.get(120, TimeUnit.SECONDS)).as("the gateway started").isTrue();
		}
		finally {
			gateway.destroy();
			gateway.waitFor(20, TimeUnit.SECONDS);
			gateway.destroyForcibly();
		}
		String log;
		synchronized (output) {
			log = output.toString();
		}
		assertThat(log).as("the DEBUG start-up was logged").contains("DEBUG").contains("Hibernate");
		for (String secret : List.of(ARGUMENT_KEY, ENVIRONMENT_KEY, PROPERTY_SECRET, ARGUMENT_PROJECT_KEY)) {
			assertThat(log.contains(secret)).as("a key passed at start-up is in the log").isFalse();
		}
	}

	private static boolean readUntilStarted(Process gateway, StringBuilder output) {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				synchronized (output) {
					output.append(line).append('\n');
				}
				if (line.contains("Started SessionGatewayApplication")) {
					return true;
				}
			}
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
