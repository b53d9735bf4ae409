package dev.sessiongateway.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessiongateway.SessionGatewayApplication;
import dev.sessiongateway.simulator.KonproSimulator;
import dev.sessiongateway.simulator.PathorsSimulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway replicas on one PostgreSQL, as behind the load balancer of
 * {@code docker-compose.yml}: a console sign-in made at one replica works at the other,
 * and signing out at one ends it at both. Behind an https proxy the cookie is
 * {@code Secure}.
 */
class ConsoleReplicasTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext replica(String url, PathorsSimulator pathors,
			KonproSimulator konpro) {
		return new SpringApplicationBuilder(SessionGatewayApplication.class).profiles("test")
			.run("--server.port=0", "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
					"--server.forward-headers-strategy=native", "--gateway.pathors.base-url=" + pathors.baseUrl(),
					"--gateway.pathors.api-key=dk_simulated", "--gateway.konpro.base-url=" + konpro.baseUrl(),
					"--gateway.konpro.api-key=konpro-simulated");
	}

	private static int port(ConfigurableApplicationContext replica) {
		return ((WebServerApplicationContext) replica).getWebServer().getPort();
	}

	private static HttpResponse<String> call(int port, String method, String path, Map<String, String> headers,
			@Nullable String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
		headers.forEach(request::header);
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void aSignInAtOneReplicaHoldsAtTheOtherUntilSignedOutAtEither() throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				PathorsSimulator pathors = new PathorsSimulator(0, "dk_simulated").start();
				KonproSimulator konpro = new KonproSimulator(0, "konpro-simulated").start()) {
			String url = postgres.getJdbcUrl("postgres", "postgres");
			try (ConfigurableApplicationContext one = replica(url, pathors, konpro);
					ConfigurableApplicationContext two = replica(url, pathors, konpro)) {
				int first = port(one);
				int second = port(two);
				HttpResponse<String> opened = call(first, "POST", "/pathors/v1/projects/proj-a/sessions",
						Map.of("Authorization", "Bearer test-service-key", "Content-Type", "application/json"),
						"{\"session_id\":\"replicated-1\"}");
				assertThat(opened.statusCode()).isEqualTo(201);

				HttpResponse<String> signIn = call(first, "POST", "/ops/console/sign-in",
						Map.of("Content-Type", "application/json", "X-Forwarded-Proto", "https"),
						"{\"key\":\"test-ops-key\"}");
				assertThat(signIn.statusCode()).isEqualTo(200);
				String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
				assertThat(cookie).contains("; Secure").contains("; HttpOnly").contains("; SameSite=Strict");
				String token = cookie.substring(0, cookie.indexOf(';'));
				String csrf = JSON.readTree(signIn.body()).path("csrfToken").asString();
				Map<String, String> browser = new HashMap<>(Map.of("Cookie", token));

				HttpResponse<String> listed = call(second, "GET", "/ops/sessions", browser, null);
				assertThat(listed.statusCode()).isEqualTo(200);
				JsonNode item = JSON.readTree(listed.body()).path("items").get(0);
				assertThat(item.path("sessionId").asString()).isEqualTo("replicated-1");

				browser.put("X-CSRF-Token", csrf);
				HttpResponse<String> ended = call(second, "POST", "/ops/sessions/" + item.path("id").asLong() + "/end",
						browser, null);
				assertThat(ended.statusCode()).isEqualTo(200);
				assertThat(pathors.activeSessionIds("proj-a")).isEmpty();

				assertThat(call(second, "POST", "/ops/console/sign-out", browser, null).statusCode()).isEqualTo(204);
				assertThat(call(first, "GET", "/ops/sessions", Map.of("Cookie", token), null).statusCode())
					.isEqualTo(401);
				assertThat(call(second, "GET", "/ops/sessions", Map.of("Cookie", token), null).statusCode())
					.isEqualTo(401);
			}
		}
	}

}
