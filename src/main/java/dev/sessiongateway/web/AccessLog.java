package dev.sessiongateway.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.servlet.HandlerMapping;

/**
 * One line per request on its own logger, {@value #LOGGER} (set its level to {@code OFF}
 * to switch the lines off): method, route template, status, duration and client, with the
 * request id in the log context. Never a body, a header or a query string. A route the
 * gateway does not serve is shown by its path.
 */
public final class AccessLog {

	static final String LOGGER = "dev.sessiongateway.access";

	static final String LOGGED_ATTRIBUTE = AccessLog.class.getName() + ".logged";

	private static final String CLIENT_ATTRIBUTE = AccessLog.class.getName() + ".client";

	private static final Logger log = LoggerFactory.getLogger(LOGGER);

	private static final int MAX_PATH_LENGTH = 200;

	private AccessLog() {
	}

	/** Names the client a request came from, for its access line. */
	public static void client(ServletRequest request, String name) {
		request.setAttribute(CLIENT_ATTRIBUTE, name);
	}

	static boolean isEnabled() {
		return log.isInfoEnabled();
	}

	/** Writes the line of a request that went through the filters. */
	static void write(HttpServletRequest request, int status, long nanos) {
		Object client = request.getAttribute(CLIENT_ATTRIBUTE);
		write(method(request), route(request), status, nanos, (client instanceof String name) ? name : null);
	}

	/**
	 * The method the caller sent: an error dispatch presents itself as a GET, the
	 * container's own request still knows.
	 */
	private static String method(HttpServletRequest request) {
		ServletRequest sent = request;
		if (request.getDispatcherType() == DispatcherType.ERROR) {
			while (sent instanceof ServletRequestWrapper wrapper) {
				sent = wrapper.getRequest();
			}
		}
		return (sent instanceof HttpServletRequest http) ? http.getMethod() : request.getMethod();
	}

	static void write(@Nullable String method, String route, int status, long nanos, @Nullable String client) {
		double millis = Math.round(nanos / 100_000.0) / 10.0;
		String shownMethod = printable(method, 16);
		String shownClient = (client != null) ? client : "-";
		log.atInfo()
			.addKeyValue("method", shownMethod)
			.addKeyValue("route", route)
			.addKeyValue("status", status)
			.addKeyValue("durationMs", millis)
			.addKeyValue("client", shownClient)
			.log("{} {} {} {} ms client={}", shownMethod, route, status, millis, shownClient);
	}

	/**
	 * The route template Spring MVC matched, or the path (without its query) when none
	 * did.
	 */
	private static String route(HttpServletRequest request) {
		Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		if (pattern instanceof String template && !template.equals("/**") && !template.equals("/error")) {
			return template;
		}
		Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		return path((original instanceof String uri) ? uri : request.getRequestURI());
	}

	/** A path as it may be shown: printable ASCII, at most 200 characters. */
	static String path(@Nullable String path) {
		return printable(path, MAX_PATH_LENGTH);
	}

	private static String printable(@Nullable String value, int maxLength) {
		if (value == null || value.isEmpty()) {
			return "-";
		}
		StringBuilder shown = new StringBuilder(Math.min(value.length(), maxLength));
		for (int i = 0; i < value.length() && i < maxLength; i++) {
			char c = value.charAt(i);
			shown.append((c > 0x20 && c < 0x7f) ? c : '?');
		}
		return shown.toString();
	}

}
