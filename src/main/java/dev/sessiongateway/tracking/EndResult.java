package dev.sessiongateway.tracking;

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
		public Accepted accepted() {
			return new Accepted(this.sessionId, SessionStatus.ENDING.name(), this.message);
		}

	}

	/** Nothing was left to do: the row had already moved on to this status. */
	record Settled<R>(SessionStatus status) implements EndResult<R> {
	}

	/** The body of a 202 answer to an end that is pending. */
	record Accepted(String sessionId, String status, String message) {
	}

}
