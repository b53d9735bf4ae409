package dev.sessiongateway.tracking;

/**
 * The session is another client's, and the caller may only read and end its own: as far
 * as the caller can tell, there is no such session. Nothing was sent.
 */
public class SessionNotVisibleException extends RuntimeException {

	SessionNotVisibleException() {
		super("No session with that id is visible to this client.", null, false, false);
	}

}
