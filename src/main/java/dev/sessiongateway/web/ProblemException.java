package dev.sessiongateway.web;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A failure that becomes a problem response with a stable code. Features throw subclasses
 * or instances of it; {@link ProblemHandler} renders them.
 */
public class ProblemException extends RuntimeException {

	private final ProblemCode code;

	private final List<FieldProblem> errors;

	private final @Nullable Long retryAfterSeconds;

	public ProblemException(ProblemCode code, String detail) {
		this(code, detail, List.of(), null);
	}

	public ProblemException(ProblemCode code, String detail, List<FieldProblem> errors,
			@Nullable Long retryAfterSeconds) {
		super(detail, null, false, false);
		this.code = code;
		this.errors = List.copyOf(errors);
		this.retryAfterSeconds = retryAfterSeconds;
	}

	public static ProblemException invalid(String field, String message) {
		return new ProblemException(ProblemCode.VALIDATION_FAILED, "Invalid request: " + field + " " + message,
				List.of(new FieldProblem(field, message)), null);
	}

	public ProblemCode code() {
		return this.code;
	}

	public List<FieldProblem> errors() {
		return this.errors;
	}

	public @Nullable Long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

}
