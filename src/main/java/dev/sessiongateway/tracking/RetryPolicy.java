package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When an end the provider did not confirm is tried again.
 */
@FunctionalInterface
public interface RetryPolicy {

	/**
	 * The delay before the next attempt.
	 * @param attempts the attempts made so far (at least one)
	 * @param retryAfter how long the provider asked the gateway to wait, if it did
	 */
	Duration delay(int attempts, @Nullable Duration retryAfter);

}
