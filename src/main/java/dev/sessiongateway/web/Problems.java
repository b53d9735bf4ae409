package dev.sessiongateway.web;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Builds problem details with the gateway's stable properties, and writes them where no
 * controller advice reaches (servlet filters).
 */
public final class Problems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final URI ABOUT_BLANK = URI.create("about:blank");

	/**
	 * The challenge of every 401: a key goes in {@code Authorization: Bearer} (or in
	 * {@code X-Api-Key}).
	 */
	static final String CHALLENGE = "Bearer realm=\"session-gateway\"";

	private Problems() {
	}

	public static ProblemDetail of(ProblemCode code, String detail, @Nullable String path) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
		problem.setType(ABOUT_BLANK);
		problem.setTitle(code.title());
		problem.setProperty("code", code.name());
		if (path != null) {
			problem.setInstance(safeUri(path));
		}
		String requestId = RequestIds.current();
		if (requestId != null) {
			problem.setProperty("requestId", requestId);
		}
		return problem;
	}

	static ProblemDetail withErrors(ProblemDetail problem, List<FieldProblem> errors) {
		if (!errors.isEmpty()) {
			problem.setProperty("errors", errors);
		}
		return problem;
	}

	/** Writes a problem from a filter, before any controller runs. */
	public static void write(HttpServletRequest request, HttpServletResponse response, ProblemCode code, String detail)
			throws IOException {
		write(request, response, code, detail, List.of());
	}

	/** Writes a problem naming the invalid parts of the request, from a filter. */
	public static void write(HttpServletRequest request, HttpServletResponse response, ProblemCode code, String detail,
			List<FieldProblem> errors) throws IOException {
		ProblemDetail problem = withErrors(of(code, detail, request.getRequestURI()), errors);
		Map<String, Object> body = new java.util.LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		if (problem.getInstance() != null) {
			body.put("instance", problem.getInstance().toString());
		}
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		response.setStatus(code.status().value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.setHeader("Cache-Control", "no-store");
		if (code == ProblemCode.UNAUTHENTICATED) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
		}
		JSON.writeValue(response.getOutputStream(), body);
	}

	private static @Nullable URI safeUri(String path) {
		try {
			return URI.create(path);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
