package dev.sessiongateway.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import dev.sessiongateway.tracking.LeaseNotFoundException;
import dev.sessiongateway.tracking.SessionAlreadyActiveException;
import dev.sessiongateway.tracking.SessionLimitReachedException;
import dev.sessiongateway.tracking.SessionNotVisibleException;
import dev.sessiongateway.tracking.SessionNotFoundException;
import dev.sessiongateway.tracking.TrackingUnavailableException;

/**
 * The one place where failures become {@code application/problem+json} responses with a
 * stable {@code code}, and the one place they are logged. Failures of other packages are
 * mapped by their {@link ProblemMapping}s.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

	private final List<ProblemMapping> mappings;

	/**
	 * Creates the handler.
	 * @param mappings every problem mapping, in their order
	 */
	ProblemHandler(List<ProblemMapping> mappings) {
		this.mappings = List.copyOf(mappings);
	}

	@ExceptionHandler(ProblemException.class)
	ResponseEntity<ProblemDetail> handleProblem(ProblemException ex, HttpServletRequest request) {
		ProblemCode code = ex.code();
		if (code.status().is5xxServerError()) {
			log.warn("{} {} -> {} {}: {}", request.getMethod(), request.getRequestURI(), code.status().value(), code,
					ex.getMessage());
		}
		else {
			log.debug("{} {} -> {} {}: {}", request.getMethod(), request.getRequestURI(), code.status().value(), code,
					ex.getMessage());
		}
		ProblemDetail problem = Problems.withErrors(Problems.of(code, detail(ex), request.getRequestURI()),
				ex.errors());
		ResponseEntity.BodyBuilder response = ResponseEntity.status(code.status())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (ex.retryAfterSeconds() != null) {
			response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()));
		}
		if (code == ProblemCode.UNAUTHENTICATED) {
			response.header(HttpHeaders.WWW_AUTHENTICATE, Problems.CHALLENGE);
		}
		return response.body(problem);
	}

	@ExceptionHandler(SessionAlreadyActiveException.class)
	ResponseEntity<ProblemDetail> handleDuplicate(SessionAlreadyActiveException ex, HttpServletRequest request) {
		Long retryAfter = (ex.retryAfter() != null) ? Math.max(1, ex.retryAfter().toSeconds() + 1) : null;
		return handleProblem(new ProblemException(ProblemCode.SESSION_ALREADY_ACTIVE, String.valueOf(ex.getMessage()),
				List.of(), retryAfter), request);
	}

	@ExceptionHandler(LeaseNotFoundException.class)
	ResponseEntity<ProblemDetail> handleLeaseNotFound(LeaseNotFoundException ex, HttpServletRequest request) {
		return handleProblem(new ProblemException(ProblemCode.NOT_FOUND, String.valueOf(ex.getMessage())), request);
	}

	@ExceptionHandler(SessionNotVisibleException.class)
	ResponseEntity<ProblemDetail> handleNotVisible(SessionNotVisibleException ex, HttpServletRequest request) {
		return handleProblem(new ProblemException(ProblemCode.NOT_FOUND, String.valueOf(ex.getMessage())), request);
	}

	/**
	 * Over a client's cap: the cap that was hit, the client's count and the cap, and the
	 * {@code RateLimit-Policy} and {@code RateLimit} fields of the IETF draft
	 * (draft-ietf-httpapi-ratelimit-headers): {@code "live"} counts sessions held at once
	 * ({@code qu="concurrent-requests"}), {@code "opens"} opens a minute.
	 */
	@ExceptionHandler(SessionLimitReachedException.class)
	ResponseEntity<ProblemDetail> handleSessionLimit(SessionLimitReachedException ex, HttpServletRequest request) {
		Long retryAfter = (ex.retryAfter() != null) ? Math.max(1, ex.retryAfter().toSeconds()) : null;
		ResponseEntity<ProblemDetail> answer = handleProblem(new ProblemException(ProblemCode.SESSION_LIMIT_REACHED,
				String.valueOf(ex.getMessage()), List.of(), retryAfter), request);
		ProblemDetail problem = answer.getBody();
		if (problem != null) {
			problem.setProperty("limit",
					(ex.cap() == SessionLimitReachedException.Cap.MAX_LIVE) ? "max-live" : "opens-per-minute");
			problem.setProperty("current",
					(ex.cap() == SessionLimitReachedException.Cap.MAX_LIVE) ? ex.live() : ex.caps().opensPerMinute());
			problem.setProperty("cap", (ex.cap() == SessionLimitReachedException.Cap.MAX_LIVE) ? ex.caps().maxLive()
					: ex.caps().opensPerMinute());
		}
		List<String> policies = new ArrayList<>();
		List<String> limits = new ArrayList<>();
		if (ex.caps().maxLive() > 0) {
			policies.add("\"live\";q=" + ex.caps().maxLive() + ";qu=\"concurrent-requests\"");
			limits.add("\"live\";r=" + Math.max(0, ex.caps().maxLive() - ex.live()));
		}
		if (ex.caps().opensPerMinute() > 0) {
			policies.add("\"opens\";q=" + ex.caps().opensPerMinute() + ";w=60");
			limits.add("\"opens\";r=" + ex.opensLeft() + ";t=" + ex.opensRefilledIn().toSeconds());
		}
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.header("RateLimit-Policy", String.join(", ", policies))
			.header("RateLimit", String.join(", ", limits))
			.body(problem);
	}

	@ExceptionHandler(SessionNotFoundException.class)
	ResponseEntity<ProblemDetail> handleNotFound(SessionNotFoundException ex, HttpServletRequest request) {
		return handleProblem(new ProblemException(ProblemCode.NOT_FOUND, "No tracked session has that id."), request);
	}

	/**
	 * The ledger could not be written: nothing the caller asked for is confirmed, and
	 * whatever reached a provider is left for background work to end.
	 */
	@ExceptionHandler(TrackingUnavailableException.class)
	ResponseEntity<ProblemDetail> handleTrackingUnavailable(TrackingUnavailableException ex,
			HttpServletRequest request) {
		log.error("{} {}: the session ledger is unavailable", request.getMethod(), request.getRequestURI(), ex);
		return handleProblem(new ProblemException(ProblemCode.TRACKING_UNAVAILABLE,
				"The gateway could not record the session; nothing is confirmed. Try again shortly.", List.of(), 1L),
				request);
	}

	/**
	 * The servlet container could not read the request's parameters: a value that is not
	 * percent-encoded UTF-8, or more parameters than it accepts. The caller's mistake,
	 * not the gateway's; its message quotes the value, so it is not passed on.
	 */
	@ExceptionHandler(InvalidParameterException.class)
	ResponseEntity<ProblemDetail> handleUnreadableParameters(InvalidParameterException ex, HttpServletRequest request) {
		return handleProblem(
				ProblemException.invalid("query",
						"could not be read: a value that is not percent-encoded UTF-8, or too many parameters"),
				request);
	}

	/**
	 * A failure another package maps to a problem; anything else is unexpected: a 500
	 * that says nothing of it, logged with its causes.
	 */
	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> handleOther(Exception ex, HttpServletRequest request) {
		ProblemException problem = this.mappings.stream()
			.map((mapping) -> mapping.problemFor(ex))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		if (problem != null) {
			return handleProblem(problem, request);
		}
		log.error("{} {} failed unexpectedly", request.getMethod(), request.getRequestURI(), ex);
		return ResponseEntity.internalServerError()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.body(Problems.of(ProblemCode.INTERNAL_ERROR, "The gateway failed to handle the request.",
					request.getRequestURI()));
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (Causes.include(ex, RequestSizeFilter.TooLargeException.class)) {
			ProblemDetail problem = Problems.of(ProblemCode.PAYLOAD_TOO_LARGE, RequestSizeFilter.DETAIL,
					servletRequest(request).getRequestURI());
			return handleExceptionInternal(ex, problem, headers, ProblemCode.PAYLOAD_TOO_LARGE.status(), request);
		}
		ProblemDetail problem = Problems.of(ProblemCode.VALIDATION_FAILED, "The request body could not be read.",
				servletRequest(request).getRequestURI());
		Problems.withErrors(problem, List.of(new FieldProblem("body", "is missing or not readable")));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	/** Says which content type the route reads, as the Accept header does. */
	@Override
	protected @Nullable ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String expected = ex.getSupportedMediaTypes().isEmpty() ? MediaType.APPLICATION_JSON_VALUE
				: String.join(" or ", ex.getSupportedMediaTypes().stream().map(MediaType::toString).toList());
		ProblemDetail problem = Problems.of(ProblemCode.UNSUPPORTED_MEDIA_TYPE,
				"The request body must be " + expected + ": send it with Content-Type: " + expected + ".",
				servletRequest(request).getRequestURI());
		Problems.withErrors(problem, List.of(new FieldProblem("Content-Type", "must be " + expected)));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = Problems.of(ProblemCode.NOT_FOUND, "There is no route at this path.",
				servletRequest(request).getRequestURI());
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String field = (ex.getPropertyName() != null) ? ex.getPropertyName() : "parameter";
		Object[] constants = RequestParameterConfiguration.enumConstants(ex);
		String message = (constants != null) ? "must be one of " + Arrays.toString(constants) + " (in any case)"
				: "has an invalid value";
		ProblemDetail problem = Problems.of(ProblemCode.VALIDATION_FAILED, "Invalid value for " + field + ".",
				servletRequest(request).getRequestURI());
		Problems.withErrors(problem, List.of(new FieldProblem(field, message)));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
			HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldProblem> errors = new ArrayList<>();
		ex.getParameterValidationResults()
			.forEach((result) -> result.getResolvableErrors()
				.forEach((error) -> errors.add(new FieldProblem(
						(result.getMethodParameter().getParameterName() != null)
								? result.getMethodParameter().getParameterName() : "parameter",
						(error.getDefaultMessage() != null) ? error.getDefaultMessage() : "is invalid"))));
		ProblemDetail problem = Problems.of(ProblemCode.VALIDATION_FAILED, "Invalid request parameters.",
				servletRequest(request).getRequestURI());
		Problems.withErrors(problem, errors);
		return handleExceptionInternal(ex, problem, headers, HttpStatusCode.valueOf(400), request);
	}

	@Override
	protected @Nullable ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
			HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
		if (CommittedResponses.logged(ex, request)) {
			return null;
		}
		if (body == null && ex instanceof ErrorResponse errorResponse) {
			body = errorResponse.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
		}
		if (body instanceof ProblemDetail problem) {
			ProblemCode code = ProblemCode.forStatus(statusCode.value());
			problem.setType(Problems.ABOUT_BLANK);
			problem.setProperty("code", code.name());
			problem.setTitle(code.title());
			String requestId = RequestIds.current();
			if (requestId != null) {
				problem.setProperty("requestId", requestId);
			}
		}
		log.debug("{} -> {}: {}", request.getDescription(false), statusCode.value(), ex.getMessage());
		HttpHeaders problemHeaders = new HttpHeaders();
		problemHeaders.putAll(headers);
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return super.handleExceptionInternal(ex, body, problemHeaders, statusCode, request);
	}

	private static HttpServletRequest servletRequest(WebRequest request) {
		return ((ServletWebRequest) request).getRequest();
	}

	private static String detail(ProblemException ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.code().title();
	}

}
