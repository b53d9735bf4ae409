package dev.sessiongateway.tracking;

import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

/**
 * A session with this provider, scope and id is already live.
 */
public class SessionAlreadyActiveException extends ProblemException {

	SessionAlreadyActiveException(SessionKey key) {
		super(ProblemCode.SESSION_ALREADY_ACTIVE,
				"A session with this id is already live at " + key.provider() + "; end it before opening it again.");
	}

}
