package dev.sessiongateway.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Writes the {@link AccessLog} line of every request once it is answered, inside the
 * request id's filter and the request's observation (Spring's, ordered just before it) so
 * that the line carries the id and the trace id. A request the container sends straight
 * to its error page (a method it refuses) is written from that dispatch.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class AccessLogFilter extends OncePerRequestFilter {

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!AccessLog.isEnabled() || request.getAttribute(AccessLog.LOGGED_ATTRIBUTE) != null) {
			chain.doFilter(request, response);
			return;
		}
		request.setAttribute(AccessLog.LOGGED_ATTRIBUTE, Boolean.TRUE);
		long started = System.nanoTime();
		boolean answered = false;
		try {
			chain.doFilter(request, response);
			answered = true;
		}
		finally {
			AccessLog.write(request, answered ? response.getStatus() : 500, System.nanoTime() - started);
		}
	}

}
