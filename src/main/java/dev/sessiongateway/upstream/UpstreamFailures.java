package dev.sessiongateway.upstream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

import javax.net.ssl.SSLException;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Turns every way a provider call can go wrong into one {@link UpstreamException} kind:
 * by the answer's status, or by the I/O failure that stopped the answer.
 */
final class UpstreamFailures {

	private static final Logger log = LoggerFactory.getLogger(UpstreamFailures.class);

	/** Used when a 429 carries no usable {@code Retry-After}. */
	static final long DEFAULT_RETRY_AFTER_SECONDS = 30;

	private UpstreamFailures() {
	}

	/**
	 * A 429 is refused before its body is read, keeping the provider's
	 * {@code Retry-After}; so is a 5xx that carries one (a 503 during maintenance), so
	 * that background work waits as long as the provider asked.
	 */
	static void checkRateLimited(UpstreamSettings settings, ClientHttpResponse response) throws IOException {
		int status = response.getStatusCode().value();
		String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		if (status == 429) {
			throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED,
					settings.name() + " is rate-limiting the gateway.", retryAfterSeconds(retryAfter));
		}
		Long asked = explicitRetryAfterSeconds(retryAfter);
		if (status >= 500 && asked != null) {
			throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR,
					settings.name() + " answered " + status + ".", asked);
		}
	}

	static long retryAfterSeconds(@Nullable String retryAfter) {
		Long seconds = explicitRetryAfterSeconds(retryAfter);
		return (seconds != null) ? seconds : DEFAULT_RETRY_AFTER_SECONDS;
	}

	/** A usable {@code Retry-After} in seconds (1 to 3600), or null. */
	static @Nullable Long explicitRetryAfterSeconds(@Nullable String retryAfter) {
		if (retryAfter != null) {
			try {
				long seconds = Long.parseLong(retryAfter.trim());
				if (seconds > 0 && seconds <= 3600) {
					return seconds;
				}
			}
			catch (NumberFormatException ex) {
				// an HTTP date or garbage: none
			}
		}
		return null;
	}

	static UpstreamResponse checkStatus(UpstreamSettings settings, UpstreamResponse response) {
		int status = response.status();
		String name = settings.name();
		if (status == 401 || status == 403) {
			log.error("{} rejected the gateway's credentials ({}): check the configured key", name, status);
			throw new UpstreamException(UpstreamException.Kind.REJECTED_CREDENTIALS,
					name + " rejected the gateway's credentials.");
		}
		if (status >= 500) {
			throw new UpstreamException(UpstreamException.Kind.SERVER_ERROR, name + " answered " + status + ".");
		}
		if (status < 200 || (status >= 300 && status < 400)) {
			throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
					name + " answered " + status + ", which the gateway does not follow.");
		}
		return response;
	}

	/**
	 * What stopped a call, in a few words for its failure line: refused, reset, timed
	 * out, host not found. Never the exception's own message, which may name more than it
	 * should.
	 */
	static String cause(UpstreamSettings settings, @Nullable Throwable cause) {
		if (cause instanceof UpstreamException upstream) {
			return String.valueOf(upstream.getMessage());
		}
		if (cause instanceof ConnectionRequestTimeoutException) {
			return "no free connection within the pool wait of " + settings.poolWait().toMillis() + " ms";
		}
		if (cause instanceof ConnectTimeoutException) {
			return "no connection within the connect timeout of " + settings.connectTimeout().toMillis() + " ms";
		}
		if (cause instanceof UnknownHostException) {
			return "host not found (DNS lookup failed)";
		}
		if (cause instanceof NoRouteToHostException) {
			return "no route to host";
		}
		if (cause instanceof ConnectException) {
			return "connection refused";
		}
		if (cause instanceof SocketTimeoutException) {
			return "no answer within the read timeout of " + settings.readTimeout().toMillis() + " ms";
		}
		if (cause instanceof NoHttpResponseException) {
			return "the connection closed without an answer";
		}
		if (cause instanceof SSLException) {
			return "TLS failed (" + cause.getClass().getSimpleName() + ")";
		}
		if (cause instanceof SocketException && cause.getMessage() != null
				&& cause.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
			return "connection reset";
		}
		return "the connection broke before an answer arrived ("
				+ ((cause != null) ? cause.getClass().getSimpleName() : "no cause") + ")";
	}

	static UpstreamException classify(UpstreamSettings settings, @Nullable Throwable cause) {
		String name = settings.name();
		if (cause instanceof UpstreamException upstream) {
			return upstream;
		}
		if (cause instanceof ConnectionRequestTimeoutException) {
			return new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"All connections to " + name + " are busy.", 1L);
		}
		if (cause instanceof ConnectTimeoutException || cause instanceof HttpHostConnectException
				|| cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof NoRouteToHostException) {
			return new UpstreamException(UpstreamException.Kind.UNREACHABLE, name + " could not be reached.");
		}
		if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
			return new UpstreamException(UpstreamException.Kind.TIMED_OUT,
					name + " did not answer within " + settings.readTimeout().toMillis() + " ms.");
		}
		return new UpstreamException(UpstreamException.Kind.RESET,
				"The connection to " + name + " broke before an answer arrived.");
	}

}
