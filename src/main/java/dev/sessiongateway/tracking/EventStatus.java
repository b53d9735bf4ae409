package dev.sessiongateway.tracking;

/**
 * Where an event to a caller stands.
 */
public enum EventStatus {

	/** Not delivered yet: due for its next attempt at {@code nextAttemptAt}. */
	PENDING,

	/** The receiver answered 2xx. */
	DELIVERED,

	/**
	 * The gateway gave up: still failing past the delivery deadline, the receiver
	 * answered 410 Gone, or the client no longer has an event URL.
	 */
	FAILED

}
