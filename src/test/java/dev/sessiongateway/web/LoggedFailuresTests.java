package dev.sessiongateway.web;

import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sessiongateway.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that fails inside the gateway is logged with the failure's classes and
 * messages, never with a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoggedFailuresTests extends GatewayTestSupport {

	@Test
	void aRequestTheLedgerCannotRecordIsLoggedWithItsCausesAndNoStackTrace(CapturedOutput output) {
		this.jdbc.execute("alter table tracked_session rename to tracked_session_away");
		HttpResponse<String> answer;
		try {
			answer = send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, "{\"session_id\":\"lf-1\"}");
		}
		finally {
			this.jdbc.execute("alter table tracked_session_away rename to tracked_session");
		}

		assertProblem(answer, 503, "TRACKING_UNAVAILABLE");
		List<String> lines = output.getOut().lines().toList();
		assertThat(lines).anySatisfy((line) -> assertThat(line).contains("the session ledger is unavailable"));
		assertThat(lines).anySatisfy((line) -> assertThat(line).startsWith("Caused by: "));
		assertThat(lines).noneSatisfy(
				(line) -> assertThat(line).matches("\\s+at .*|\\s*\\.\\.\\. \\d+ (common frames omitted|more)"));
		assertNothingForwardedOrRecorded();
	}

}
