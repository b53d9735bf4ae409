package dev.sessiongateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOperationComponentsCustomizer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.properties.SpringDocConfigProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The OpenAPI description's frame: the gateway's name and version from the build, how a
 * caller authenticates, and the problem answers each route declares with
 * {@link ProblemResponses}. The routes themselves are described next to each one.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

	private static final String DESCRIPTION = """
			Opens and ends conversation sessions at SaaS providers for internal services, and tracks \
			every one of them.

			**Drop-in.** Each provider's routes (under `/<provider>`) take the provider's own paths and \
			bodies: a service that called a provider changes only its base URL and uses its own client key.

			**Authentication.** Every route needs a client key, as `Authorization: Bearer <key>` or \
			`X-Api-Key: <key>` (*Authorize* above); session routes need the `sessions` role and the \
			project or account, ops routes the `ops` role. The ops console signs in once with an ops key in \
			the body of its sign-in, then sends the sign-in's cookie instead of a key (and its CSRF token \
			in `X-CSRF-Token` on requests that change anything). The webhook takes its own shared secret.

			**Errors.** Answers the gateway makes itself are `application/problem+json` with a stable \
			`code` (each route lists the ones it may give). A provider's own answer about the request \
			(400, 404, 409, 422 and other 4xx) is passed on unchanged as `application/json`. Any route \
			may answer `500 INTERNAL_ERROR` on a failure nobody planned for.

			**Request ids.** Every answer carries `X-Request-Id` (yours, when you send a plain one).
			""";

	@Bean
	OpenAPI gatewayApi(ObjectProvider<BuildProperties> build, Environment environment) {
		BuildProperties properties = build.getIfAvailable();
		String title = (properties != null && properties.getName() != null) ? properties.getName()
				: environment.getProperty("spring.application.name", "session-gateway");
		String version = (properties != null && properties.getVersion() != null) ? properties.getVersion()
				: "development";
		return new OpenAPI().info(new Info().title(title).version(version).description(DESCRIPTION))
			.components(new Components()
				.addSecuritySchemes(ApiDocs.CLIENT_KEY,
						new SecurityScheme().type(SecurityScheme.Type.HTTP)
							.scheme("bearer")
							.description("A client key, sent as `Authorization: Bearer <key>`."))
				.addSecuritySchemes(ApiDocs.API_KEY,
						new SecurityScheme().type(SecurityScheme.Type.APIKEY)
							.in(SecurityScheme.In.HEADER)
							.name("X-Api-Key")
							.description("A client key, sent as `X-Api-Key: <key>`.")))
			.addSecurityItem(new SecurityRequirement().addList(ApiDocs.CLIENT_KEY))
			.addSecurityItem(new SecurityRequirement().addList(ApiDocs.API_KEY));
	}

	/**
	 * An example's name is its key, not its description (springdoc copies one into the
	 * other, and Swagger UI shows it twice).
	 */
	@Bean
	OpenApiCustomizer examplesWithoutNameAsDescription() {
		return (openApi) -> openApi.getPaths().values().forEach((path) -> path.readOperations().forEach((operation) -> {
			List<Content> contents = new ArrayList<>();
			if (operation.getRequestBody() != null) {
				contents.add(operation.getRequestBody().getContent());
			}
			if (operation.getResponses() != null) {
				operation.getResponses().values().forEach((response) -> contents.add(response.getContent()));
			}
			contents.stream()
				.filter(Objects::nonNull)
				.flatMap((content) -> content.values().stream())
				.filter((media) -> media.getExamples() != null)
				.forEach((media) -> media.getExamples().forEach((name, example) -> {
					if (name.equals(example.getDescription())) {
						example.setDescription(null);
					}
				}));
		}));
	}

	@Bean
	GlobalOperationComponentsCustomizer problemResponses(SpringDocConfigProperties springdoc) {
		return new ProblemResponsesCustomizer(springdoc.isOpenapi31() ? SpecVersion.V31 : SpecVersion.V30);
	}

}
