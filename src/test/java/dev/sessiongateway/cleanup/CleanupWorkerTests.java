package dev.sessiongateway.cleanup;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background loop as it runs in the gateway: an end the provider could not confirm
 * in-line is carried out within seconds once the provider is back, and the loop stops
 * with the application.
 */
@TestPropertySource(properties = { "gateway.sessions.worker.enabled=true", "gateway.sessions.worker.poll-interval=1s",
		"gateway.sessions.worker.min-backoff=1s", "gateway.sessions.worker.max-backoff=2s" })
class CleanupWorkerTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/projects/proj-a/sessions";

	@Autowired
	CleanupWorker worker;

	private void endAnswers(int status) {
		pathors.stubFor(delete(urlEqualTo(SESSIONS))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody("{}")));
	}

	private static <T> T within(Duration bound, Supplier<T> check, java.util.function.Predicate<T> done) {
		long deadline = System.nanoTime() + bound.toNanos();
		T value = check.get();
		while (!done.test(value) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			value = check.get();
		}
		return value;
	}

	@Test
	void anEndAnswered202IsCarriedOutWithinSecondsOnceTheProviderIsBack() {
		pathors.stubFor(post(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"s-1\"}")));
		assertThat(send("POST", "/pathors" + SESSIONS, SERVICE_KEY, "{\"session_id\":\"s-1\"}").statusCode())
			.isEqualTo(201);
		endAnswers(503);
		HttpResponse<String> end = send("DELETE", "/pathors" + SESSIONS, SERVICE_KEY, "{\"session_id\":\"s-1\"}");
		assertThat(end.statusCode()).isEqualTo(202);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDING);

		long back = System.nanoTime();
		endAnswers(200);
		SessionStatus status = within(Duration.ofSeconds(10), () -> onlySession().status(),
				(now) -> now == SessionStatus.ENDED);
		Duration took = Duration.ofNanos(System.nanoTime() - back);

		System.out.println("a pending end completed " + took.toMillis() + " ms after the provider came back");
		assertThat(status).isEqualTo(SessionStatus.ENDED);
		assertThat(took).as("min-backoff 1s + poll 1s, with slack for a loaded machine")
			.isLessThan(Duration.ofSeconds(6));
		pathors.verify(deleteRequestedFor(urlEqualTo(SESSIONS)).withRequestBody(
				com.github.tomakehurst.wiremock.client.WireMock.equalToJson("{\"session_id\":\"s-1\"}", true, true)));
	}

	@Test
	void theLoopStopsCleanlyAndStartsAgain() {
		assertThat(this.worker.isRunning()).isTrue();
		long stopping = System.nanoTime();
		this.worker.stop();
		assertThat(this.worker.isRunning()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));

		long id = seedEnding("pathors", "proj-a", "s-2", "test-service");
		endAnswers(200);
		this.worker.start();
		assertThat(within(Duration.ofSeconds(10), () -> this.sessions.find(id).orElseThrow().status(),
				(now) -> now == SessionStatus.ENDED))
			.isEqualTo(SessionStatus.ENDED);
	}

}
