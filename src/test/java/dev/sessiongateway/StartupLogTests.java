package dev.sessiongateway;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A normal start logs no warning: a warning at every start teaches operators to ignore
 * warnings. Logging stays at its default level (INFO), as it is for the jar and the demo.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTests {

	private static final Pattern WARNING = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s.*");

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	@TempDir
	Path data;

	@Test
	void theJarStartsOnItsFileDatabaseWithoutAWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class).run(
				"--spring.datasource.url=jdbc:h2:file:" + this.data.resolve("session-gateway") + ";WRITE_DELAY=0",
				"--server.port=0", "--gateway.pathors.api-key=dk_start", "--gateway.konpro.api-key=start-key",
				"--gateway.clients[0].name=svc", "--gateway.clients[0].key-sha256=" + HASH,
				"--gateway.clients[0].roles=sessions")) {
			assertThat(context.isRunning()).isTrue();
			assertThat(warnings(output)).isEmpty();
		}
	}

	@Test
	void theDemoStartsWithoutAWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.profiles("demo")
			.run("--PORT=0")) {
			assertThat(context.isRunning()).isTrue();
			assertThat(warnings(output)).isEmpty();
		}
	}

	private static List<String> warnings(CapturedOutput output) {
		return output.getAll().lines().filter((line) -> WARNING.matcher(line).matches()).toList();
	}

}
