package dev.sessiongateway;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A create is traced: the caller's trace is continued through the ledger's commits, the
 * wait for a provider connection and the provider call, whose request carries the trace
 * on to the provider; no span holds a key, a variable or a session token.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingTests extends TracingTestSupport {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String CALLER_SPAN = "00f067aa0ba902b7";

	private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";

	private static final String PATHORS_SESSIONS = "/v1/projects/proj-a/sessions";

	@Test
	void aPathorsCreateContinuesTheCallersTraceThroughTheLedgerAndTheProviderCall(CapturedOutput output)
			throws Exception {
		pathors.stubFor(post(urlEqualTo(PATHORS_SESSIONS)).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"s-1\"}")));

		HttpResponse<String> created = send(this.port, "POST", "/pathors" + PATHORS_SESSIONS, SERVICE_KEY,
				"{\"session_id\":\"s-1\",\"variables\":{\"customer\":\"VARIABLE_MARKER_d41c\"}}", "application/json",
				Map.of("traceparent", TRACEPARENT, "X-Request-Id", "traced-create-1"));
		assertThat(created.statusCode()).isEqualTo(201);

		List<SpanData> all = spansOnce((span) -> span.getKind() == SpanKind.SERVER);
		System.out.println("spans of one create:\n" + describe(all));
		SpanData inbound = only(all, "http post /pathors/v1/projects/{projectId}/sessions", Map.of());
		assertThat(inbound.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(inbound.getTraceId()).isEqualTo(TRACE_ID);
		assertThat(inbound.getParentSpanId()).isEqualTo(CALLER_SPAN);

		SpanData intent = only(all, "ledger commit", Map.of("commit", "open-intent"));
		SpanData wait = only(all, "provider wait", Map.of("provider", "pathors", "operation", "create"));
		SpanData call = only(all, "provider call", Map.of("provider", "pathors", "operation", "create"));
		SpanData outcome = only(all, "ledger commit", Map.of("commit", "open-outcome"));
		for (SpanData child : List.of(intent, wait, call, outcome)) {
			assertThat(child.getTraceId()).as(child.getName()).isEqualTo(TRACE_ID);
			assertThat(child.getParentSpanId()).as(child.getName()).isEqualTo(inbound.getSpanId());
		}
		assertThat(intent.getAttributes().asMap()).containsValues("pathors", "committed");
		assertThat(outcome.getAttributes().asMap()).containsValues("pathors", "committed");
		assertThat(wait.getAttributes().asMap()).containsValue("acquired");
		assertThat(call.getAttributes().asMap()).containsValue("success");
		assertThat(intent.getEndEpochNanos()).isLessThanOrEqualTo(wait.getStartEpochNanos());
		assertThat(call.getEndEpochNanos()).isLessThanOrEqualTo(outcome.getStartEpochNanos());

		SpanData http = all.stream()
			.filter((span) -> span.getKind() == SpanKind.CLIENT)
			.filter((span) -> span.getParentSpanId().equals(call.getSpanId()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no HTTP client span below the provider call in " + describe(all)));
		assertThat(http.getTraceId()).isEqualTo(TRACE_ID);

		List<LoggedRequest> sent = pathors.findAll(postRequestedFor(urlEqualTo(PATHORS_SESSIONS)));
		assertThat(sent).hasSize(1);
		assertThat(sent.getFirst().getHeader("traceparent"))
			.isEqualTo("00-" + TRACE_ID + "-" + http.getSpanId() + "-01");

		assertNothingSecretIn(all);
		assertThat(output.getAll().lines().filter((line) -> line.contains("[traced-create-1]"))).isNotEmpty()
			.allMatch((line) -> line.contains("[traced-create-1] [" + TRACE_ID + "]"));
	}

	@Test
	void aKonproCreateShowsNeitherTheAccountKeyNorTheSessionTokenInAnySpan() throws Exception {
		konpro.stubFor(post(urlEqualTo("/v1/widget/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"data\":{\"session_token\":\"TOKEN_MARKER_a7e2\",\"session_id\":\"ws_1\","
					+ "\"expires_at\":\"2030-01-01T10:00:00Z\",\"expires_in\":3600}}")));

		HttpResponse<String> created = send(this.port, "POST", "/konpro/v1/widget/sessions", SERVICE_KEY,
				"{\"agentic_avatar_id\":\"av-1\",\"user_metadata\":{\"plan\":\"VARIABLE_MARKER_d41c\"}}",
				"application/json", Map.of());
		assertThat(created.statusCode()).isEqualTo(200);
		assertThat(created.body()).contains("TOKEN_MARKER_a7e2");

		List<SpanData> all = spansOnce((span) -> span.getKind() == SpanKind.SERVER);
		SpanData call = only(all, "provider call", Map.of("provider", "konpro", "operation", "create"));
		SpanData inbound = only(all, "http post /konpro/v1/widget/sessions", Map.of());
		assertThat(call.getParentSpanId()).isEqualTo(inbound.getSpanId());
		assertThat(inbound.getParentSpanId()).as("a new trace").isEqualTo("0000000000000000");
		assertThat(
				konpro.findAll(postRequestedFor(urlEqualTo("/v1/widget/sessions"))).getFirst().getHeader("traceparent"))
			.startsWith("00-" + inbound.getTraceId() + "-");
		assertNothingSecretIn(all);
	}

}
