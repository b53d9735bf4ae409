package dev.sessiongateway.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors the servlet container forwards to {@code /error} (requests refused
 * before any controller ran) as problem details, like every other error. Not a route for
 * callers, so not in the API description.
 */
@Hidden
@RestController
class ProblemErrorController implements ErrorController {

	@RequestMapping("/error")
	ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
		int status = (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) ? code : 500;
		ProblemCode code = ProblemCode.forStatus(status);
		String path = (request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri) ? uri : null;
		ProblemDetail problem = Problems.of(code, (status >= 500) ? "The gateway failed to handle the request."
				: "The request was refused: " + code.title().toLowerCase() + ".", path);
		problem.setStatus(status);
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
