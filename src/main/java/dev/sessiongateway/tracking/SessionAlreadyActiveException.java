package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A session with this provider, scope and id is already live.
 */
public class SessionAlreadyActiveException extends RuntimeException {

	private final @Nullable Duration retryAfter;

	SessionAlreadyActiveException(SessionKey key) {
		super("A session with this id is already live at " + key.provider() + "; end it before opening it again.", null,
				false, false);
		this.retryAfter = null;
	}

	/**
	 * The id is held by an earlier create whose outcome is unknown, until the gateway has
	 * made sure that session is ended: the id is free again after {@code retryAfter}.
	 */
	SessionAlreadyActiveException(SessionKey key, Duration retryAfter) {
		super("An earlier create of this id had an unknown outcome at " + key.provider()
				+ "; the gateway holds the id until it has made sure that session is ended. Try again later.", null,
				false, false);
		this.retryAfter = retryAfter;
	}

	/** When the id is expected to be free again, if the gateway knows. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

}
