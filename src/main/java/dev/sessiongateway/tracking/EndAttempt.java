package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * What one call to a provider's end operation gave: confirmed (the session is gone),
 * refused (the provider rejected the request itself), or failed (unknown; worth
 * retrying).
 *
 * @param <R> the provider's reply, passed back to the caller untouched
 */
public record EndAttempt<R>(Outcome outcome, @Nullable R reply, @Nullable RuntimeException failure) {

	public enum Outcome {

		CONFIRMED, REFUSED, FAILED

	}

	public static <R> EndAttempt<R> confirmed(R reply) {
		return new EndAttempt<>(Outcome.CONFIRMED, reply, null);
	}

	public static <R> EndAttempt<R> refused(R reply) {
		return new EndAttempt<>(Outcome.REFUSED, reply, null);
	}

	public static <R> EndAttempt<R> failed(RuntimeException failure) {
		return new EndAttempt<>(Outcome.FAILED, null, failure);
	}

	String error() {
		if (this.failure != null && this.failure.getMessage() != null) {
			return this.failure.getMessage();
		}
		return "provider refused the end";
	}

}
