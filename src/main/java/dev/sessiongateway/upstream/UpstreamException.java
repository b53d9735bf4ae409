package dev.sessiongateway.upstream;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A provider call that did not give a usable answer. {@link #kind()} says what happened,
 * {@link #isUncertain()} whether the provider may have acted on the request anyway, and
 * {@link #retryAfter()} when to try again if anyone said. What the caller is answered is
 * decided by the packages that call providers.
 */
public class UpstreamException extends RuntimeException {

	/** What went wrong, as the caller of a client needs to know it. */
	public enum Kind {

		/** The provider refused the gateway's own key (401/403). */
		REJECTED_CREDENTIALS(false),
		/**
		 * The provider answered with a redirect or another status the gateway does not
		 * follow.
		 */
		UNAVAILABLE(false),
		/**
		 * The provider answered with a server error (5xx): to a create, from its edge or
		 * after it acted, so a create's outcome is unknown.
		 */
		SERVER_ERROR(false),
		/**
		 * The request never reached the provider (connection refused, no route, connect
		 * timeout).
		 */
		UNREACHABLE(false),
		/**
		 * The connection broke after the request was sent: the provider may have acted.
		 */
		RESET(true),
		/**
		 * A reply that cannot be used (not JSON, wrong shape, too large): the provider
		 * may have acted.
		 */
		MALFORMED(true),
		/** No answer within the read timeout: the provider may have acted. */
		TIMED_OUT(true),
		/** The provider rate-limited the gateway (429). */
		RATE_LIMITED(false),
		/**
		 * The gateway's own outbound limit (rate or connections) held the request back.
		 */
		LOCAL_LIMIT(false),
		/** The provider kept failing, so the gateway does not call it for a while. */
		CIRCUIT_OPEN(false),
		/**
		 * The gateway did not send the request: a path segment of it ({@code .} or
		 * {@code ..}) would have changed the provider's path.
		 */
		NOT_SENT(false);

		private final boolean uncertain;

		Kind(boolean uncertain) {
			this.uncertain = uncertain;
		}

	}

	private final Kind kind;

	private final @Nullable Long retryAfterSeconds;

	public UpstreamException(Kind kind, String detail) {
		this(kind, detail, null);
	}

	public UpstreamException(Kind kind, String detail, @Nullable Long retryAfterSeconds) {
		// no stack trace: a failure is classified where it happens and logged in one line
		super(detail, null, false, false);
		this.kind = kind;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public Kind kind() {
		return this.kind;
	}

	/**
	 * True when this failure says the provider is unwell: it counts towards opening the
	 * circuit.
	 */
	boolean isProviderFailure() {
		return switch (this.kind) {
			case UNAVAILABLE, SERVER_ERROR, UNREACHABLE, RESET, MALFORMED, TIMED_OUT -> true;
			case REJECTED_CREDENTIALS, RATE_LIMITED, LOCAL_LIMIT, CIRCUIT_OPEN, NOT_SENT -> false;
		};
	}

	/**
	 * True when the provider may have carried out the request although no answer came
	 * back.
	 */
	public boolean isUncertain() {
		return this.kind.uncertain;
	}

	/**
	 * True when a create that failed this way may still have opened a session: every
	 * uncertain failure, and any 5xx answer.
	 */
	public boolean mayHaveCreated() {
		return this.kind.uncertain || this.kind == Kind.SERVER_ERROR;
	}

	/**
	 * The provider's (or the gateway's own limit's) hint of when to try again, in whole
	 * seconds.
	 */
	public @Nullable Long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/** The provider's (or the gateway's own limit's) hint of when to try again. */
	public @Nullable Duration retryAfter() {
		return (this.retryAfterSeconds != null) ? Duration.ofSeconds(this.retryAfterSeconds) : null;
	}

}
