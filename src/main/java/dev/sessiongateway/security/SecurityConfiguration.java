package dev.sessiongateway.security;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import dev.sessiongateway.web.FieldProblem;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.Problems;

/**
 * Which routes need which role. Health probes and API docs are public, the webhook checks
 * its own secret, ops routes and every other actuator endpoint need {@code ops}. Provider
 * routes need any known client here; each checks the {@code sessions} role and the scope
 * itself ({@link GatewayClient#requireScope}), so a new provider needs no rule here.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http, ClientKeys keys) {
		return http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.addFilterBefore(new ApiKeyAuthenticationFilter(keys), AuthorizationFilter.class)
			.authorizeHttpRequests(
					(requests) -> requests.requestMatchers("/actuator/health/liveness", "/actuator/health/readiness")
						.permitAll()
						.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
						.permitAll()
						.requestMatchers("/webhooks/**", "/error")
						.permitAll()
						.requestMatchers("/ops/**", "/actuator/**")
						.hasRole(Role.OPS.name())
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
