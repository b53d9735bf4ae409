package dev.sessiongateway.relay;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemMapping;

/**
 * Answers a provider call that failed as a problem: its kind chooses the code (and with
 * it the status), its message is the detail, and its hint of when to try again is the
 * {@code Retry-After}.
 */
@Component
class UpstreamProblems implements ProblemMapping {

	@Override
	public @Nullable ProblemException problemFor(Exception failure) {
		if (!(failure instanceof UpstreamException upstream)) {
			return null;
		}
		ProblemCode code = code(upstream.kind());
		String detail = (upstream.getMessage() != null) ? upstream.getMessage() : code.title();
		return new ProblemException(code, detail, List.of(), upstream.retryAfterSeconds());
	}

	private static ProblemCode code(UpstreamException.Kind kind) {
		return switch (kind) {
			case REJECTED_CREDENTIALS -> ProblemCode.UPSTREAM_REJECTED_CREDENTIALS;
			case UNAVAILABLE, SERVER_ERROR, UNREACHABLE, RESET, MALFORMED, NOT_SENT -> ProblemCode.UPSTREAM_UNAVAILABLE;
			case TIMED_OUT -> ProblemCode.UPSTREAM_TIMEOUT;
			case RATE_LIMITED, LOCAL_LIMIT -> ProblemCode.UPSTREAM_RATE_LIMITED;
			case CIRCUIT_OPEN -> ProblemCode.CIRCUIT_OPEN;
		};
	}

}
