package dev.sessiongateway;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code springdoc.swagger-ui.enabled=false} switches Swagger UI off: its page and its
 * assets answer 404, with or without a key, and its web jar is not served either, while
 * the API description stays.
 */
@TestPropertySource(properties = "springdoc.swagger-ui.enabled=false")
class SwaggerUiSwitchedOffTests extends GatewayTestSupport {

	@Test
	void swaggerUiAnswers404() {
		for (String path : new String[] { "/swagger-ui.html", "/swagger-ui/index.html",
				"/swagger-ui/swagger-ui-bundle.js", "/swagger-ui/swagger-initializer.js" }) {
			assertThat(read(path, null).statusCode()).as(path).isEqualTo(404);
			assertThat(read(path, OPS_KEY).statusCode()).as(path).isEqualTo(404);
		}
		HttpResponse<String> description = read("/v3/api-docs", null);
		assertThat(description.statusCode()).isEqualTo(200);
		assertThat(description.body()).contains("\"openapi\"");
	}

	@Test
	void norFromItsWebJar() {
		String webJar = "/webjars/swagger-ui/index.html";
		assertThat(read(webJar, OPS_KEY).statusCode()).as(webJar).isEqualTo(403);
		assertThat(read(webJar, null).statusCode()).as(webJar).isEqualTo(401);
	}

}
