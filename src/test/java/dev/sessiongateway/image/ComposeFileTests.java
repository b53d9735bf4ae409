package dev.sessiongateway.image;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker-compose.yml} as a newcomer runs it: with the simulators' profile and the
 * switch, every replica calls the one simulators service (so none takes a session opened
 * through another for gone); without them, nothing simulated runs and every key comes
 * from the environment, none from the file.
 */
class ComposeFileTests {

	private static final Path FILE = Path.of("docker-compose.yml");

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> services() throws Exception {
		Map<String, Object> compose = new Yaml().load(Files.readString(FILE));
		return (Map<String, Map<String, Object>>) compose.get("services");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> environment(Map<String, Object> service) {
		return (Map<String, Object>) service.get("environment");
	}

	private static List<Map<String, Object>> replicas(Map<String, Map<String, Object>> services) {
		List<Map<String, Object>> replicas = new ArrayList<>();
		services.forEach((name, service) -> {
			if (name.startsWith("gateway-")) {
				replicas.add(service);
			}
		});
		return replicas;
	}

	@Test
	void theSimulatorsRunOnceFromTheGatewaysImageAndEveryReplicaCallsThem() throws Exception {
		Map<String, Map<String, Object>> services = services();
		Map<String, Object> simulators = services.get("simulators");
		List<Map<String, Object>> replicas = replicas(services);

		assertThat(simulators.get("profiles")).isEqualTo(List.of("simulators"));
		assertThat(simulators.get("command")).isEqualTo(List.of("simulators"));
		assertThat(environment(simulators)).containsEntry("GATEWAY_SIMULATORS_ADDRESS", "0.0.0.0");
		String port = String.valueOf(environment(simulators).get("GATEWAY_SIMULATORS_PORT"));
		assertThat(replicas).hasSizeGreaterThanOrEqualTo(2).allSatisfy((replica) -> {
			assertThat(replica.get("image")).isEqualTo(simulators.get("image"));
			assertThat(environment(replica))
				.containsEntry("GATEWAY_SIMULATORS_ENABLED", "${GATEWAY_SIMULATORS_ENABLED:-false}")
				.containsEntry("GATEWAY_SIMULATORS_URL", "http://simulators:" + port);
		});
	}

	@Test
	void everyKeyAndClientComesFromTheEnvironmentAndNoneFromTheFile() throws Exception {
		for (Map<String, Object> replica : replicas(services())) {
			Map<String, Object> environment = environment(replica);
			assertThat(environment).containsKeys("GATEWAY_PATHORS_API_KEY", "GATEWAY_KONPRO_API_KEY",
					"GATEWAY_CLIENTS_0_KEY_SHA256", "GATEWAY_CLIENTS_1_KEY_SHA256");
			environment.forEach((name, value) -> {
				if (name.contains("_KEY") || name.contains("SECRET") || name.startsWith("GATEWAY_CLIENTS_")) {
					assertThat(value).as("%s, taken from the environment when set there", name).isNull();
				}
			});
			// the switch refuses provider URLs of one's own
			assertThat(environment).doesNotContainKeys("GATEWAY_PATHORS_BASE_URL", "GATEWAY_KONPRO_BASE_URL");
		}
	}

	@Test
	void dockerComposeTakesTheFileWithAndWithoutTheSimulatorsProfileFromAnEmptyEnvironment() throws Exception {
		String path = System.getenv("PATH");
		assumeTrue(
				path != null && List.of(path.split(File.pathSeparator))
					.stream()
					.anyMatch((folder) -> Files.isExecutable(Path.of(folder, "docker-compose"))),
				"docker-compose is not installed (.ci/run installs it)");
		for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "simulators"))) {
			List<String> command = new ArrayList<>(List.of("docker-compose", "-f", FILE.toString()));
			command.addAll(profile);
			command.addAll(List.of("config", "-q"));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().clear();
			builder.environment().put("PATH", path);
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes());
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
		}
	}

}
