package dev.sessiongateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One documented variable, {@code PORT}, sets the port of the jar as it does the demo's.
 */
class ServerPortTests {

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	@Test
	void thePortEnvironmentVariableSetsTheJarsPort() throws IOException {
		int port = freePort();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.initializers((app) -> app.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("port-variable", Map.of("PORT", String.valueOf(port)))))
			.run("--spring.datasource.url=jdbc:h2:mem:port;DB_CLOSE_DELAY=-1", "--gateway.pathors.api-key=dk_port",
					"--gateway.konpro.api-key=port-key", "--gateway.clients[0].name=svc",
					"--gateway.clients[0].key-sha256=" + HASH, "--gateway.clients[0].roles=sessions",
					"--gateway.sessions.worker.enabled=false")) {
			assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isEqualTo(port);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
