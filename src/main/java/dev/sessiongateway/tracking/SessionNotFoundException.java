package dev.sessiongateway.tracking;

/**
 * No tracked session has that id.
 */
public class SessionNotFoundException extends RuntimeException {

	SessionNotFoundException(long id) {
		super("No tracked session has the id " + id + ".", null, false, false);
	}

}
