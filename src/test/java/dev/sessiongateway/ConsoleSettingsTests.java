package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's settings ({@code gateway.console.*}) are checked at start-up with every
 * other group: a sign-in limit it cannot use is refused, named with its environment
 * variable.
 */
class ConsoleSettingsTests {

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	private static String startupFailure(String... console) {
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=jdbc:h2:mem:console-settings",
				"server.port=0", "gateway.pathors.api-key=dk_startup", "gateway.konpro.api-key=startup-key",
				"gateway.clients[0].name=svc", "gateway.clients[0].key-sha256=" + HASH,
				"gateway.clients[0].roles=sessions"));
		properties.addAll(List.of(console));
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

	@Test
	void signInLimitsItCannotUseAreRefusedAtStartUp() {
		String failure = startupFailure("gateway.console.sign-in-limit.per-source=0",
				"gateway.console.sign-in-limit.overall=-5", "gateway.console.sign-in-limit.period=0s",
				"gateway.console.sign-in-limit.max-sources=0");

		assertThat(failure).isNotNull()
			.contains("gateway.console.sign-in-limit.per-source (GATEWAY_CONSOLE_SIGN_IN_LIMIT_PER_SOURCE) must be "
					+ "greater than or equal to 1")
			.contains("gateway.console.sign-in-limit.overall (GATEWAY_CONSOLE_SIGN_IN_LIMIT_OVERALL)")
			.contains("gateway.console.sign-in-limit.period (GATEWAY_CONSOLE_SIGN_IN_LIMIT_PERIOD) must be at least 1s")
			.contains("gateway.console.sign-in-limit.max-sources (GATEWAY_CONSOLE_SIGN_IN_LIMIT_MAX_SOURCES)");
	}

	@Test
	void aSignInThatWouldEndAtOnceIsRefusedAtStartUp() {
		String failure = startupFailure("gateway.console.idle-timeout=0s", "gateway.console.lifetime=-1h");

		assertThat(failure).isNotNull()
			.contains("The gateway's settings have 2 problems")
			.contains("gateway.console.idle-timeout (GATEWAY_CONSOLE_IDLE_TIMEOUT) must be positive")
			.contains("gateway.console.lifetime (GATEWAY_CONSOLE_LIFETIME) must be positive");
	}

}
