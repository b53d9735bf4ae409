package dev.sessiongateway.cleanup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background work's provider calls carry request ids of their own ({@code bg-...}), and
 * its log lines show the id its call carried.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = { "gateway.sessions.worker.enabled=true", "gateway.sessions.worker.poll-interval=1s",
		"gateway.sessions.worker.min-backoff=1s", "gateway.sessions.worker.max-backoff=2s" })
class BackgroundIdsTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/projects/proj-a/sessions";

	private List<String> idsSent() {
		return pathors.findAll(deleteRequestedFor(urlEqualTo(SESSIONS)))
			.stream()
			.map((LoggedRequest request) -> request.getHeader("X-Request-Id"))
			.toList();
	}

	@Test
	void backgroundEndsCarryIdsOfTheirOwnInTheirCallsAndLogLines(CapturedOutput output) throws Exception {
		seedActive("pathors", "proj-a", "s-1", "orders-service");
		pathors.stubFor(delete(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(503)));
		HttpRequest end = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/pathors" + SESSIONS))
			.header("Authorization", "Bearer " + SERVICE_KEY)
			.header("Content-Type", "application/json")
			.header("X-Request-Id", "caller-end-1")
			.method("DELETE", HttpRequest.BodyPublishers.ofString("{\"session_id\":\"s-1\"}"))
			.build();
		assertThat(HttpClient.newHttpClient().send(end, HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(202);

		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (idsSent().size() < 2 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		pathors.stubFor(delete(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(200)));
		while (onlySession().status() != SessionStatus.ENDED && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}

		List<String> ids = idsSent();
		assertThat(ids).hasSizeGreaterThanOrEqualTo(3);
		assertThat(ids.getFirst()).isEqualTo("caller-end-1");
		List<String> background = ids.subList(1, ids.size());
		assertThat(background).allSatisfy((id) -> assertThat(id).matches("bg-[0-9a-f-]{36}"));
		assertThat(background).doesNotHaveDuplicates();
		String failedInBackground = background.getFirst();
		assertThat(output.getAll().lines().filter((line) -> line.contains("[" + failedInBackground + "]")))
			.anyMatch((line) -> line.contains("Pathors end call to") && line.contains("answered 503"));
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

}
