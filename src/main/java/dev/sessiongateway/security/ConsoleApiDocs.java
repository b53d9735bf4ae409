package dev.sessiongateway.security;

import java.util.Set;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.web.ApiDocs;

/**
 * What the OpenAPI description shows of the ops console's sign-in: its body, and the
 * sign-in's cookie and CSRF token as ways to authenticate. Routes that take the cookie
 * say so with {@link ApiDocs#CONSOLE_COOKIE}; those that change anything are described as
 * needing the CSRF token with it, as {@link ConsoleSessionFilter} requires.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleApiDocs {

	static final String TAG = "Ops console";

	/** The security scheme of a sign-in's CSRF token in {@code X-CSRF-Token}. */
	static final String CSRF_TOKEN = "csrfToken";

	/**
	 * The sign-in's example: no key at all (the demo shows its own ops key here, and only
	 * the demo).
	 */
	static final String SIGN_IN_EXAMPLE = """
			{"key": "<an ops client key>"}""";

	static final String SIGNED_IN_EXAMPLE = """
			{"client": "demo-ops", "csrfToken": "8J0b3uQw1Xk9nT2cYv5mR7sLh4pZe6dA0fGiKoNqWjE",
			 "expiresAt": "2026-12-01T21:00:00Z", "idleTimeoutSeconds": 1800}""";

	private static final Set<PathItem.HttpMethod> SAFE = Set.of(PathItem.HttpMethod.GET, PathItem.HttpMethod.HEAD,
			PathItem.HttpMethod.OPTIONS);

	@Bean
	OpenApiCustomizer consoleSignIns() {
		return (openApi) -> {
			openApi.getComponents()
				.addSecuritySchemes(ApiDocs.CONSOLE_COOKIE, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
					.in(SecurityScheme.In.COOKIE)
					.name(ConsoleSessionFilter.COOKIE)
					.description("An ops console sign-in (`POST /ops/console/sign-in`), held by the browser as an "
							+ "HttpOnly cookie scoped to `/ops`. A client key in a header takes its place when both "
							+ "are sent. A read marked `" + ConsoleSessionFilter.REFRESH_HEADER + ": "
							+ ConsoleSessionFilter.AUTOMATIC + "` (the console page's automatic refresh) does not "
							+ "count as use: it does not move the sign-in's idle timeout on."))
				.addSecuritySchemes(CSRF_TOKEN, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
					.in(SecurityScheme.In.HEADER)
					.name(ConsoleSessionFilter.CSRF_HEADER)
					.description("The sign-in's `csrfToken`, which a console request that changes anything (any "
							+ "method but GET, HEAD and OPTIONS) sends with the cookie."));
			openApi.getPaths().values().forEach((path) -> path.readOperationsMap().forEach((method, operation) -> {
				if (!SAFE.contains(method) && operation.getSecurity() != null) {
					operation.getSecurity()
						.stream()
						.filter((requirement) -> requirement.containsKey(ApiDocs.CONSOLE_COOKIE))
						.forEach((requirement) -> requirement.addList(CSRF_TOKEN));
				}
			}));
		};
	}

	@Schema(name = "ConsoleSignInRequest", description = "Signs in to the ops console with an ops client key.")
	record SignInRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1, maxLength = 1024,
			description = "a client key with the ops role; sent only here, and kept nowhere",
			example = "<an ops client key>") String key) {
	}

}
