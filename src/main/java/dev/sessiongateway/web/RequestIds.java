package dev.sessiongateway.web;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The id that ties together what one request does: every log line it writes (the log
 * context key {@value #MDC_KEY}), its problem details, its answer's {@value #HEADER} and
 * the calls it makes to providers.
 */
public final class RequestIds {

	/** The header a caller may send an id in, and every answer carries. */
	public static final String HEADER = "X-Request-Id";

	/** The log context key, shown in every log line. */
	public static final String MDC_KEY = "requestId";

	/** The request attribute that keeps the id for the error dispatch. */
	static final String ATTRIBUTE = RequestIds.class.getName();

	private static final int MAX_LENGTH = 64;

	private RequestIds() {
	}

	/**
	 * The caller's id when it is a plain token (letters, digits, {@code . _ -}, at most
	 * 64 characters), so that it can forge no header or log line; a new one otherwise.
	 */
	static String accept(@Nullable String offered) {
		return (offered != null && isPlainToken(offered)) ? offered : next();
	}

	/** A new id. */
	public static String next() {
		return UUID.randomUUID().toString();
	}

	/** The id of the work this thread is doing, if it has one. */
	public static @Nullable String current() {
		return MDC.get(MDC_KEY);
	}

	private static boolean isPlainToken(String value) {
		int length = value.length();
		if (length == 0 || length > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == '-';
			if (!plain) {
				return false;
			}
		}
		return true;
	}

}
