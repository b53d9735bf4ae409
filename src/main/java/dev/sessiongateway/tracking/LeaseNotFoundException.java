package dev.sessiongateway.tracking;

/**
 * No lease of that id is held by the client, or it is no longer live (expired, revoked):
 * nothing was recorded or sent.
 */
public class LeaseNotFoundException extends RuntimeException {

	public LeaseNotFoundException() {
		super("No live lease with that id is held by this client (an unknown, expired or revoked lease).", null, false,
				false);
	}

}
