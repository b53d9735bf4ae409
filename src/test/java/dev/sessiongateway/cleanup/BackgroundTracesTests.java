package dev.sessiongateway.cleanup;

import java.util.List;

import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.TracingTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background work starts traces of its own: one per end attempt, which its provider call
 * carries to the provider.
 */
class BackgroundTracesTests extends TracingTestSupport {

	private static final String SESSIONS = "/v1/projects/proj-a/sessions";

	@Autowired
	CleanupWorker worker;

	@Test
	void eachBackgroundEndAttemptIsATraceOfItsOwn() throws Exception {
		seedEnding("pathors", "proj-a", "s-1", "orders-service");
		seedEnding("pathors", "proj-a", "s-2", "orders-service");
		this.jdbc.update("update tracked_session set next_attempt_at = ?",
				java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(60)));
		pathors.stubFor(delete(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(200)));
		spans.reset();

		assertThat(this.worker.endDue()).isEqualTo(2);

		List<SpanData> all = spansOnce((span) -> span.getName().equals("background end-attempt"));
		List<SpanData> attempts = all.stream()
			.filter((span) -> span.getName().equals("background end-attempt"))
			.toList();
		assertThat(attempts).as(describe(all)).hasSize(2);
		assertThat(attempts).allSatisfy((attempt) -> {
			assertThat(attempt.getParentSpanId()).as("a root span").isEqualTo("0000000000000000");
			List<SpanData> below = all.stream()
				.filter((span) -> span.getTraceId().equals(attempt.getTraceId()))
				.filter((span) -> span.getParentSpanId().equals(attempt.getSpanId()))
				.toList();
			assertThat(below).extracting(SpanData::getName).contains("provider wait", "provider call", "ledger commit");
		});
		assertThat(attempts.get(0).getTraceId()).isNotEqualTo(attempts.get(1).getTraceId());
		List<String> traces = attempts.stream().map(SpanData::getTraceId).toList();
		assertThat(pathors.findAll(deleteRequestedFor(urlEqualTo(SESSIONS))))
			.extracting((request) -> request.getHeader("traceparent").split("-")[1])
			.containsExactlyInAnyOrderElementsOf(traces);
		assertNothingSecretIn(all);
	}

}
