package dev.sessiongateway.security;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.Header;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.sessiongateway.web.FieldProblem;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.Problems;

/**
 * Which routes need which role. Health probes and API docs are public, the webhook checks
 * its own secret, ops routes and every other actuator endpoint need {@code ops}. Provider
 * routes need any known client here; each checks the {@code sessions} role and the scope
 * itself ({@link GatewayClient#requireScope}), so a new provider needs no rule here. The
 * ops console's page, assets and sign-in are public; its data needs {@code ops} like any
 * ops route, from a header key or a console sign-in ({@link ConsoleSessionFilter}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/**
	 * The console's pages may load only the gateway's own scripts, styles and images,
	 * talk only to the gateway, and be framed by no one.
	 */
	static final String CONSOLE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			+ "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	/**
	 * Swagger UI shares the console's origin, so a flaw in its scripts must not run code
	 * from elsewhere or send what it reads elsewhere: it may load only its own scripts
	 * and styles, images from the gateway or inline ({@code data:}, its icons), talk only
	 * to the gateway (the API description and <em>Try it out</em>), submit no form, and
	 * be framed by no one. The one inline style it writes, the colours of its logo
	 * ({@code .logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}}), is
	 * allowed by its SHA-256; a Swagger UI that writes another breaks
	 * {@code SwaggerUiBrowserTests}.
	 */
	static final String SWAGGER_UI_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' '"
			+ "sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; "
			+ "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

	/**
	 * The providers' older names for a client's scopes, read into each client as it is
	 * bound. Static and made from its arguments alone: the start-up check reads the
	 * clients before any other bean is made.
	 */
	@Bean
	static ClientScopesAliases clientScopesAliases(ObjectProvider<ClientScopesAlias> aliases) {
		return new ClientScopesAliases(aliases.orderedStream().toList());
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, ClientKeys keys, ConsoleSessions consoleSessions) {
		// CSRF: header keys cannot be sent by another site; console requests that change
		// anything need the sign-in's own token (ConsoleSessionFilter).
		return http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterBefore(new ApiKeyAuthenticationFilter(keys), AuthorizationFilter.class)
			.addFilterAfter(new ConsoleSessionFilter(consoleSessions), ApiKeyAuthenticationFilter.class)
			.headers((headers) -> headers.addHeaderWriter(policy(CONSOLE_POLICY, "/ops/**"))
				.addHeaderWriter(policy(SWAGGER_UI_POLICY, "/swagger-ui.html", "/swagger-ui/**")))
			.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/actuator/health/liveness", "/actuator/health/readiness")
						.permitAll()
						.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
						.permitAll()
						.requestMatchers("/webhooks/**", "/error")
						.permitAll()
						// Swagger UI is served at /swagger-ui/ under its policy, and only
						// there: the copy in its web jar would be outside the policy and
						// outside springdoc.swagger-ui.enabled
						.requestMatchers("/webjars/**")
						.denyAll()
						// the console's page and assets, and its sign-in; its data needs
						// ops
						.requestMatchers(HttpMethod.GET, "/ops", "/ops/", "/ops/index.html", "/ops/assets/**")
						.permitAll()
						.requestMatchers(HttpMethod.POST, ConsoleSignInController.SIGN_IN_PATH)
						.permitAll()
						.requestMatchers("/ops/**", "/actuator/**")
						.hasRole(Role.OPS.name())
						.requestMatchers("/leases", "/leases/**")
						.hasRole(Role.SESSIONS.name())
						.anyRequest()
						.authenticated())
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint(
						(request, response, ex) -> Problems.write(request, response, ProblemCode.UNAUTHENTICATED,
								"A valid client key is required: Authorization: Bearer <key>, or X-Api-Key: <key>."))
				.accessDeniedHandler((request, response, ex) -> Problems.write(request, response, ProblemCode.FORBIDDEN,
						"This client may not use this route.")))
			.build();
	}

	/**
	 * Writes this Content-Security-Policy, and no referrer, on the answers to these
	 * paths.
	 */
	private static HeaderWriter policy(String policy, String... paths) {
		PathPatternRequestMatcher.Builder matchers = PathPatternRequestMatcher.withDefaults();
		RequestMatcher matcher = new OrRequestMatcher(Stream.of(paths).<RequestMatcher>map(matchers::matcher).toList());
		return new DelegatingRequestMatcherHeaderWriter(matcher, new StaticHeadersWriter(
				List.of(new Header("Content-Security-Policy", policy), new Header("Referrer-Policy", "no-referrer"))));
	}

	/**
	 * Requests the firewall refuses (encoded dots or slashes, semicolons, control
	 * characters in the path) get a problem naming the path.
	 */
	@Bean
	RequestRejectedHandler problemForRejectedRequests() {
		return (request, response, ex) -> Problems.write(request, response, ProblemCode.VALIDATION_FAILED,
				"The request path contains characters or sequences the gateway does not accept.",
				List.of(new FieldProblem("path", "contains characters or sequences the gateway does not accept")));
	}

	/** Keys are the only credentials: no user accounts, no generated password. */
	@Bean
	UserDetailsService noUsers() {
		return (username) -> {
			throw new UsernameNotFoundException("no users");
		};
	}

}
