package dev.sessiongateway.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;

/**
 * A failure once a request's answer is committed: nothing more can be written to it. A
 * client that went away while its answer was written (a broken pipe, a reset, Tomcat's
 * client abort) is the connection's doing, logged at debug; anything else is a warning
 * that names the request.
 */
final class CommittedResponses {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	private CommittedResponses() {
	}

	/** Whether the answer was committed, in which case the failure has been logged. */
	static boolean logged(Exception ex, WebRequest request) {
		if (!(request instanceof ServletWebRequest servlet) || servlet.getResponse() == null
				|| !servlet.getResponse().isCommitted()) {
			return false;
		}
		HttpServletRequest failed = servlet.getRequest();
		if (Causes.include(ex, IOException.class)) {
			log.debug("{} {}: the client went away while its answer was written: {}", failed.getMethod(),
					failed.getRequestURI(), ex.getMessage());
		}
		else {
			log.warn("{} {}: failed after its answer was committed: {}", failed.getMethod(), failed.getRequestURI(),
					ex.getMessage());
		}
		return true;
	}

}
