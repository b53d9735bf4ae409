package dev.sessiongateway.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.MDC;

/**
 * Replaces Tomcat's HTML error page for requests Tomcat refuses itself (an encoded slash
 * or a NUL in the path, a malformed request line): the caller gets a problem detail
 * instead, with no server details, and with a request id like every other answer; the
 * refusal gets its access line.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get()) {
			return;
		}
		String requestId = (request.getAttribute(RequestIds.ATTRIBUTE) instanceof String known) ? known
				: RequestIds.accept(request.getHeader(RequestIds.HEADER));
		logRefusal(request, status, requestId);
		ProblemCode code = ProblemCode.forStatus(status);
		String detail = (status >= 500) ? "The gateway failed to handle the request."
				: "The request was refused before it reached the gateway: its path or headers are not acceptable.";
		try {
			response.setHeader(RequestIds.HEADER, requestId);
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				// the id is a plain token, so it needs no escaping
				writer.write("{\"type\":\"about:blank\",\"title\":\"" + code.title() + "\",\"status\":" + status
						+ ",\"detail\":\"" + detail + "\",\"code\":\"" + code.name() + "\",\"requestId\":\"" + requestId
						+ "\"}");
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the connection is gone; nothing more to say
		}
	}

	private static void logRefusal(Request request, int status, String requestId) {
		if (request.getAttribute(AccessLog.LOGGED_ATTRIBUTE) != null || !AccessLog.isEnabled()) {
			return;
		}
		long started = request.getCoyoteRequest().getStartTimeNanos();
		long nanos = (started > 0) ? Math.max(0, System.nanoTime() - started) : 0;
		MDC.put(RequestIds.MDC_KEY, requestId);
		try {
			AccessLog.write(request.getMethod(), AccessLog.path(request.getRequestURI()), status, nanos, null);
		}
		finally {
			MDC.remove(RequestIds.MDC_KEY);
		}
	}

}
