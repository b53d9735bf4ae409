package dev.sessiongateway.tracking;

/**
 * Why a session was ended.
 */
public enum EndReason {

	/** The service that opened it (or another allowed one) asked for the end. */
	CLIENT,
	/** Ops staff force-ended it. */
	OPS,
	/** The provider said it no longer knows the session (404). */
	PROVIDER_GONE,
	/** The provider told us the session ended (webhook or status). */
	PROVIDER_ENDED,
	/** The create's outcome was unknown, so an end was queued to avoid an orphan. */
	COMPENSATION,
	/** It outlived the configured maximum age. */
	EXPIRED_TTL,
	/**
	 * A caller ended a session the ledger held no live row for; the row records that end
	 * (and holds the id while it is in flight).
	 */
	UNTRACKED,
	/** The lease it was attached to was not kept alive. */
	LEASE_EXPIRED,
	/** The lease it was attached to was revoked by its client. */
	LEASE_REVOKED

}
