package dev.sessiongateway.web;

import java.io.IOException;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.http.converter.HttpMessageNotWritableException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure once the answer is already on its way cannot become a problem response. A
 * client that went away while its answer was written (a broken pipe, a reset: wrk at the
 * end of every run, a browser tab closed during an export) is no warning; any other
 * failure there still is.
 */
class CommittedResponseTests {

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private final Logger problemLog = (Logger) LoggerFactory.getLogger(ProblemHandler.class);

	@BeforeEach
	void capture() {
		this.logged.start();
		this.problemLog.addAppender(this.logged);
	}

	@AfterEach
	void release() {
		this.problemLog.detachAppender(this.logged);
	}

	@Test
	void aClientThatWentAwayWhileItsAnswerWasWrittenIsNoWarning() throws Exception {
		HttpMessageNotWritableException gone = new HttpMessageNotWritableException(
				"Could not write JSON: ServletOutputStream failed to write: java.io.IOException: Broken pipe",
				new IOException("Broken pipe"));

		assertThat(new ProblemHandler(List.of()).handleException(gone, committed())).isNull();

		assertThat(warnings()).isEmpty();
	}

	@Test
	void anyOtherFailureAfterTheAnswerWasCommittedIsStillAWarning() throws Exception {
		HttpMessageNotWritableException broken = new HttpMessageNotWritableException(
				"Could not write JSON: no serializer", new IllegalStateException("no serializer"));

		assertThat(new ProblemHandler(List.of()).handleException(broken, committed())).isNull();

		assertThat(warnings()).singleElement().asString().contains("GET /ops/sessions").contains("no serializer");
	}

	private static ServletWebRequest committed() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setCommitted(true);
		return new ServletWebRequest(new MockHttpServletRequest("GET", "/ops/sessions"), response);
	}

	private List<String> warnings() {
		return this.logged.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
