package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * How an end request came out for the caller.
 *
 * @param <R> the provider's reply
 */
public sealed interface EndResult<R> {

	/**
	 * The provider answered (confirmed or refused); the reply goes back to the caller.
	 */
	record Answered<R>(R reply) implements EndResult<R> {
	}

	/** The end is recorded and will be carried out until the provider confirms it. */
	record Pending<R>(long id, String sessionId, String message) implements EndResult<R> {

		/** What the caller gets: {@code 202 {sessionId, status: "ENDING", message}}. */
		public Status body() {
			return new Status(this.sessionId, SessionStatus.ENDING.name(), this.message);
		}

	}

	/**
	 * Nothing was left to do: another party had already moved the session on to this
	 * status.
	 */
	record Settled<R>(@Nullable String sessionId, SessionStatus status) implements EndResult<R> {

		/** What the caller gets: {@code 200 {sessionId, status, message}}. */
		public Status body() {
			return new Status(this.sessionId, this.status.name(),
					"Another request ended this session while this one was on its way.");
		}

	}

	/** The body of an end the gateway answers itself, from its ledger. */
	record Status(@Nullable String sessionId, String status, String message) {
	}

}
