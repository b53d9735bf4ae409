package dev.sessiongateway.tracking;

/**
 * How one background end attempt left its row.
 */
public enum EndAttempt {

	/** The provider confirmed: the session is ENDED. */
	ENDED,
	/** Not confirmed: the row is due again later. */
	RETRY,
	/**
	 * Confirmed, but the session's create may still land after it: the provider is asked
	 * again once it cannot.
	 */
	VERIFY_LATER,
	/** Not confirmed, and past its deadline: flagged for a human, still retried. */
	FLAGGED,
	/**
	 * The provider refused an end the ledger only recorded for a caller: closed FAILED.
	 */
	CLOSED,
	/** Another party changed the row meanwhile: it was left as that party left it. */
	LEFT

}
