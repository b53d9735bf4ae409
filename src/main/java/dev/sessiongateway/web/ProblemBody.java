package dev.sessiongateway.web;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The shape of every problem the gateway writes (RFC 9457), as the OpenAPI description
 * shows it; the bodies themselves are written by {@link Problems}.
 */
@Schema(name = "Problem", description = "A problem the gateway made itself (application/problem+json).")
record ProblemBody(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "about:blank") String type,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Validation failed") String title,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "400") int status,
		@Schema(example = "Invalid request: session_id is required") @Nullable String detail,
		@Schema(description = "the path of the request", example = "/ops/sessions/42/end",
				format = "uri-reference") @Nullable String instance,
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
				description = "the stable code: decide on it, not on the text") ProblemCode code,
		@Schema(description = "the request's id, also in the X-Request-Id header",
				example = "3f0c6d5e-8c1b-4c59-9d5e-0b5b0f1b6a1e") @Nullable String requestId,
		@Schema(description = "each invalid field (VALIDATION_FAILED, UNSUPPORTED_MEDIA_TYPE)") @Nullable List<FieldProblem> errors) {

}
