package dev.sessiongateway.tracking;

/**
 * A session with this provider, scope and id is already live.
 */
public class SessionAlreadyActiveException extends RuntimeException {

	SessionAlreadyActiveException(SessionKey key) {
		super("A session with this id is already live at " + key.provider() + "; end it before opening it again.", null,
				false, false);
	}

}
