package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway refuses to start without the settings it cannot work without, and says
 * which.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTests {

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	private static List<String> complete() {
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=jdbc:h2:mem:startup", "server.port=0",
				"gateway.pathors.api-key=dk_startup", "gateway.konpro.api-key=startup-key",
				"gateway.clients[0].name=svc", "gateway.clients[0].key-sha256=" + HASH,
				"gateway.clients[0].roles=sessions"));
		return properties;
	}

	private static String startupFailure(List<String> properties) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.web(WebApplicationType.SERVLET)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new))) {
			return null;
		}
		catch (RuntimeException ex) {
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			return messages.toString();
		}
	}

	private static List<String> without(String prefix) {
		List<String> properties = complete();
		properties.removeIf((property) -> property.startsWith(prefix));
		return properties;
	}

	@Test
	void startsWithTheMinimalConfiguration() {
		assertThat(startupFailure(complete())).isNull();
	}

	@Test
	void refusesToStartWithoutThePathorsKey() {
		assertThat(startupFailure(without("gateway.pathors.api-key"))).contains("gateway.pathors.api-key")
			.contains("Pathors developer key is missing");
	}

	@Test
	void refusesToStartWithoutTheKonproKey() {
		assertThat(startupFailure(without("gateway.konpro.api-key"))).contains("gateway.konpro.api-key")
			.contains("Konpro API key is missing");
	}

	@Test
	void refusesToStartWithoutClients() {
		assertThat(startupFailure(without("gateway.clients"))).contains("no clients are configured");
	}

	@Test
	void refusesAKeyHashThatIsNotSha256Hex() {
		List<String> properties = without("gateway.clients[0].key-sha256");
		properties.add("gateway.clients[0].key-sha256=plain-text-key");

		assertThat(startupFailure(properties)).contains("gateway.clients[0].key-sha256[0]")
			.contains("SHA-256 of the key as 64 hex characters")
			.doesNotContain("plain-text-key");
	}

	@Test
	void refusesABaseUrlThatIsNotHttp() {
		List<String> properties = complete();
		properties.add("gateway.pathors.base-url=file:///etc/passwd");

		assertThat(startupFailure(properties)).contains("gateway.pathors.base-url").contains("http or https URL");
	}

	@Test
	void reportsEveryClientProblemAtOnce() {
		List<String> properties = without("gateway.clients");
		properties.add("gateway.clients[0].key-sha256=abc");
		properties.add("gateway.clients[1].name=other");

		assertThat(startupFailure(properties)).contains("gateway.clients[0].name is missing")
			.contains("gateway.clients[0].key-sha256[0] must be")
			.contains("gateway.clients[0].roles is missing")
			.contains("gateway.clients[1].key-sha256 is missing");
	}

	@Test
	void refusesAProviderKeyThatCouldBreakAHeader() {
		List<String> properties = without("gateway.pathors.api-key");
		properties.add("gateway.pathors.api-key=dk_line\r\nX-Injected: yes");

		assertThat(startupFailure(properties)).contains("gateway.pathors.api-key must be printable ASCII")
			.doesNotContain("X-Injected");
	}

	@Test
	void refusesAKonproKeyWithSpaces() {
		List<String> properties = without("gateway.konpro.api-key");
		properties.add("gateway.konpro.api-key=two words");

		assertThat(startupFailure(properties)).contains("gateway.konpro.api-key must be printable ASCII")
			.doesNotContain("two words");
	}

	@Test
	void neverEchoesAKeyInItsMessageOrLog(CapturedOutput output) {
		List<String> properties = without("gateway.clients");
		properties.add("gateway.pathors.base-url=ftp://x");
		properties.add("gateway.clients[0].key-sha256=my-plain-client-key");

		assertThat(startupFailure(properties)).doesNotContain("dk_startup")
			.doesNotContain("startup-key")
			.doesNotContain("my-plain-client-key");
		assertThat(output.getAll()).doesNotContain("dk_startup")
			.doesNotContain("startup-key")
			.doesNotContain("my-plain-client-key");
	}

}
