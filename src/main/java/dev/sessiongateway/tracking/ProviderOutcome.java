package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How one provider call came out, in the four ways that matter to the ledger.
 *
 * @param <R> the provider's reply
 */
public sealed interface ProviderOutcome<R> {

	/** The provider did what was asked; the facts say what it reported. */
	record Confirmed<R>(R reply, SessionFacts facts) implements ProviderOutcome<R> {
	}

	/**
	 * The provider answered that the request itself is wrong (400, 409, 422...): nothing
	 * changed there, and the reply goes back to the caller.
	 */
	record Refused<R>(R reply) implements ProviderOutcome<R> {
	}

	/**
	 * The call certainly had no effect (refused connection, 401, 429, circuit open...).
	 * {@code retryAfter} is the provider's own hint, if it gave one.
	 */
	record Failed<R>(RuntimeException failure, @Nullable Duration retryAfter) implements ProviderOutcome<R> {
	}

	/**
	 * The provider may have acted although no usable answer came back (timeout, reset,
	 * 5xx, unreadable reply). {@code sessionId} is the id the reply named, if any was
	 * readable.
	 */
	record Uncertain<R>(RuntimeException failure, @Nullable String sessionId) implements ProviderOutcome<R> {
	}

	/** A one-line description of the failure, for {@code lastError}. */
	static String describe(RuntimeException failure) {
		return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
	}

}
