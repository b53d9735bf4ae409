package dev.sessiongateway.web;

import org.springframework.http.HttpStatus;

/**
 * The stable {@code code} carried by every problem the gateway itself produces, with its
 * HTTP status.
 */
public enum ProblemCode {

	UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "Unauthenticated"), FORBIDDEN(HttpStatus.FORBIDDEN, "Forbidden"),
	VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "Validation failed"),
	IDEMPOTENCY_KEY_REQUIRED(HttpStatus.BAD_REQUEST, "Idempotency key required"),
	IDEMPOTENCY_KEYS_DISABLED(HttpStatus.BAD_REQUEST, "Idempotency keys disabled"),
	NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
	METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
	NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
	SESSION_ALREADY_ACTIVE(HttpStatus.CONFLICT, "Session already active"),
	IDEMPOTENCY_KEY_IN_FLIGHT(HttpStatus.CONFLICT, "Idempotency key in flight"),
	IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused"),
	IDEMPOTENCY_KEY_ANSWER_LOST(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key answer lost"),
	PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "Payload too large"),
	UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
	UPSTREAM_RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "Upstream rate limited"),
	SIGN_IN_LIMIT_REACHED(HttpStatus.TOO_MANY_REQUESTS, "Sign-in limit reached"),
	SESSION_LIMIT_REACHED(HttpStatus.TOO_MANY_REQUESTS, "Session limit reached"),
	INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
	UPSTREAM_REJECTED_CREDENTIALS(HttpStatus.BAD_GATEWAY, "Upstream rejected the gateway's credentials"),
	UPSTREAM_UNAVAILABLE(HttpStatus.BAD_GATEWAY, "Upstream unavailable"),
	CIRCUIT_OPEN(HttpStatus.SERVICE_UNAVAILABLE, "Circuit open"),
	TRACKING_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Tracking unavailable"),
	UPSTREAM_TIMEOUT(HttpStatus.GATEWAY_TIMEOUT, "Upstream timeout");

	private final HttpStatus status;

	private final String title;

	ProblemCode(HttpStatus status, String title) {
		this.status = status;
		this.title = title;
	}

	public HttpStatus status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	/**
	 * The code for a status the gateway did not choose itself (Spring MVC, the servlet
	 * container): never one of the upstream codes.
	 */
	static ProblemCode forStatus(int status) {
		for (ProblemCode code : new ProblemCode[] { UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, METHOD_NOT_ALLOWED,
				NOT_ACCEPTABLE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE }) {
			if (code.status.value() == status) {
				return code;
			}
		}
		return (status >= 500) ? INTERNAL_ERROR : VALIDATION_FAILED;
	}

}
