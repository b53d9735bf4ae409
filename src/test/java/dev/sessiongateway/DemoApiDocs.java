package dev.sessiongateway;

import java.util.Map;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The demo's API description shows the demo's ops key as the console sign-in's example,
 * so that Swagger UI's "Try it out" signs in as it is. Test code, demo profile only: the
 * jar's description shows no key, with the switch to simulated providers or without.
 */
@Configuration(proxyBeanMethods = false)
@Profile("demo")
class DemoApiDocs {

	static final String DEMO_OPS_KEY = "demo-ops-key";

	@Bean
	OpenApiCustomizer demoOpsKeyExample() {
		return (openApi) -> {
			PathItem signIn = openApi.getPaths().get("/ops/console/sign-in");
			Operation post = (signIn != null) ? signIn.getPost() : null;
			if (post != null && post.getRequestBody() != null) {
				MediaType json = post.getRequestBody().getContent().get("application/json");
				if (json != null && json.getExamples() != null) {
					json.getExamples()
						.values()
						.forEach((example) -> example.summary("The demo's ops key").value(Map.of("key", DEMO_OPS_KEY)));
				}
			}
			Schema<?> request = openApi.getComponents().getSchemas().get("ConsoleSignInRequest");
			if (request != null && request.getProperties() != null && request.getProperties().get("key") != null) {
				request.getProperties().get("key").setExample(DEMO_OPS_KEY);
			}
		};
	}

}
