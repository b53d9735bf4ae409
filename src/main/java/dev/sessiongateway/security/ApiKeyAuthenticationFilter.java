package dev.sessiongateway.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.sessiongateway.web.AccessLog;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.Problems;

/**
 * Authenticates callers by the key in {@code Authorization: Bearer} or {@code X-Api-Key}.
 * A key that matches no client is refused at once; a request without a key goes on
 * unauthenticated and is refused by authorization where a role is needed.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

	static final String API_KEY_HEADER = "X-Api-Key";

	private static final String BEARER = "Bearer ";

	private final ClientKeys keys;

	ApiKeyAuthenticationFilter(ClientKeys keys) {
		this.keys = keys;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		// The webhook carries its own shared secret in Authorization.
		return request.getRequestURI().startsWith("/webhooks/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = presentedKey(request);
		if (key == null) {
			chain.doFilter(request, response);
			return;
		}
		GatewayClient client = this.keys.find(key);
		if (client == null) {
			Problems.write(request, response, ProblemCode.UNAUTHENTICATED, "The client key is not valid.");
			return;
		}
		AccessLog.client(request, client.name());
		var authorities = client.roles().stream().map((role) -> new SimpleGrantedAuthority(role.authority())).toList();
		var authentication = UsernamePasswordAuthenticationToken.authenticated(client, null, authorities);
		var context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(authentication);
		SecurityContextHolder.setContext(context);
		try {
			chain.doFilter(request, response);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	static @Nullable String presentedKey(HttpServletRequest request) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String key = authorization.substring(BEARER.length()).trim();
			return key.isEmpty() ? null : key;
		}
		String apiKey = request.getHeader(API_KEY_HEADER);
		return (apiKey != null && !apiKey.isBlank()) ? apiKey.trim() : null;
	}

}
