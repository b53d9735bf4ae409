package dev.sessiongateway.security;

import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

/**
 * The caller is known but may not do this.
 */
public class ForbiddenException extends ProblemException {

	public ForbiddenException(String detail) {
		super(ProblemCode.FORBIDDEN, detail);
	}

}
