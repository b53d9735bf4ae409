package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * The session table could not be read or written (database down, pool exhausted,
 * constraint broken). Whatever the provider did is either not started yet or left for
 * background work to settle.
 */
public class TrackingUnavailableException extends RuntimeException {

	TrackingUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
