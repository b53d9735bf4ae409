package dev.sessiongateway.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.sessiongateway.security.ConsoleSessions.ConsoleSession;
import dev.sessiongateway.web.AccessLog;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.Problems;

/**
 * Authenticates ops console requests by their sign-in cookie, as the client that signed
 * in. A request that changes anything (any method but GET, HEAD and OPTIONS) must also
 * carry the sign-in's CSRF token in {@code X-CSRF-Token}, which another site's page can
 * neither read nor send. A read the page makes on its own
 * ({@code X-Console-Refresh: auto}, its automatic refresh) is not use: it does not move
 * the sign-in's idle timeout on, so a console left open on a screen is signed out like
 * any other. Requests with a client key in a header are left to
 * {@link ApiKeyAuthenticationFilter}, cookie or not.
 */
class ConsoleSessionFilter extends OncePerRequestFilter {

	static final String COOKIE = "gateway_console";

	static final String CSRF_HEADER = "X-CSRF-Token";

	/**
	 * The header that marks a read the console page makes on its own, with the value
	 * {@value #AUTOMATIC}.
	 */
	static final String REFRESH_HEADER = "X-Console-Refresh";

	static final String AUTOMATIC = "auto";

	/**
	 * The request attribute holding the console sign-in a request was authenticated by.
	 */
	static final String ATTRIBUTE = "dev.sessiongateway.security.ConsoleSession";

	private final ConsoleSessions sessions;

	ConsoleSessionFilter(ConsoleSessions sessions) {
		this.sessions = sessions;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		return !path.startsWith(ConsoleSignInController.PATH_SCOPE + "/")
				|| path.equals(ConsoleSignInController.SIGN_IN_PATH)
				|| ApiKeyAuthenticationFilter.presentedKey(request) != null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String token = token(request);
		Optional<ConsoleSession> session = (token != null) ? this.sessions.find(token, !isAutomatic(request))
				: Optional.empty();
		if (session.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		if (!isSafe(request.getMethod())) {
			String presented = request.getHeader(CSRF_HEADER);
			if (presented == null || !ConsoleSessions.isCsrfToken(session.get(), presented)) {
				Problems.write(request, response, ProblemCode.FORBIDDEN,
						"This console request lacks the sign-in's CSRF token (" + CSRF_HEADER + ").");
				return;
			}
		}
		GatewayClient client = session.get().client();
		AccessLog.client(request, client.name());
		var authorities = client.roles().stream().map((role) -> new SimpleGrantedAuthority(role.authority())).toList();
		var context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(client, null, authorities));
		SecurityContextHolder.setContext(context);
		request.setAttribute(ATTRIBUTE, session.get());
		try {
			chain.doFilter(request, response);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

	static @Nullable String token(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (COOKIE.equals(cookie.getName()) && !cookie.getValue().isBlank()) {
					return cookie.getValue();
				}
			}
		}
		return null;
	}

	/** A read the page made on its own, not a person using the console. */
	private static boolean isAutomatic(HttpServletRequest request) {
		return isSafe(request.getMethod()) && AUTOMATIC.equalsIgnoreCase(request.getHeader(REFRESH_HEADER));
	}

	private static boolean isSafe(String method) {
		return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
	}

}
