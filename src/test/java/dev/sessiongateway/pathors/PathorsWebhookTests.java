package dev.sessiongateway.pathors;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class PathorsWebhookTests extends GatewayTestSupport {

	private static final String HOOK = "/webhooks/pathors/projects/proj-a";

	@Autowired
	private MeterRegistry meters;

	private void openTracked(String sessionId) {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"" + sessionId + "\"}")));
		assertThat(send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY,
				"{\"session_id\":\"" + sessionId + "\"}")
			.statusCode()).isEqualTo(201);
	}

	private HttpResponse<String> deliver(String secret, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + HOOK))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (secret != null) {
			request.header("Authorization", "Bearer " + secret);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void sessionEndEventsMarkTheTrackedSessionEnded() throws Exception {
		for (String event : new String[] { "session.finalized", "session.ended", "call.ended" }) {
			cleanSlate();
			openTracked("s-1");

			HttpResponse<String> response = deliver(WEBHOOK_SECRET, "{\"event\":\"" + event
					+ "\",\"sessionId\":\"s-1\",\"timestamp\":\"" + java.time.Instant.now() + "\"}");

			assertThat(response.statusCode()).as(event).isEqualTo(200);
			TrackedSession session = onlySession();
			assertThat(session.status()).as(event).isEqualTo(SessionStatus.ENDED);
			assertThat(session.endReason()).isEqualTo(EndReason.PROVIDER_ENDED);
		}
	}

	@Test
	void repeatedDeliveriesAreHarmless() throws Exception {
		openTracked("s-1");
		String event = "{\"event\":\"session.ended\",\"sessionId\":\"s-1\",\"timestamp\":\"t\"}";
		double unknownBefore = this.meters
			.counter("gateway.webhooks.deliveries", "provider", "pathors", "outcome", "unknown")
			.count();

		assertThat(deliver(WEBHOOK_SECRET, event).statusCode()).isEqualTo(200);
		assertThat(deliver(WEBHOOK_SECRET, event).statusCode()).isEqualTo(200);

		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
		assertThat(
				this.meters.counter("gateway.webhooks.deliveries", "provider", "pathors", "outcome", "unknown").count())
			.isEqualTo(unknownBefore);
	}

	@Test
	void unknownSessionsAreAcknowledgedAndCounted() throws Exception {
		double before = this.meters.counter("gateway.webhooks.deliveries", "provider", "pathors", "outcome", "unknown")
			.count();

		HttpResponse<String> response = deliver(WEBHOOK_SECRET,
				"{\"event\":\"session.finalized\",\"sessionId\":\"never-seen\",\"projectId\":\"proj-a\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(
				this.meters.counter("gateway.webhooks.deliveries", "provider", "pathors", "outcome", "unknown").count())
			.isEqualTo(before + 1);
	}

	@Test
	void otherEventsChangeNothing() throws Exception {
		openTracked("s-1");

		assertThat(deliver(WEBHOOK_SECRET, "{\"event\":\"recording.ready\",\"sessionId\":\"s-1\"}").statusCode())
			.isEqualTo(200);

		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

	private double deliveries(String outcome) {
		return this.meters.counter("gateway.webhooks.deliveries", "provider", "pathors", "outcome", outcome).count();
	}

	@Test
	void aDeliveryDatedBeyondTheClockSkewIsAcknowledgedCountedAndIgnored() throws Exception {
		openTracked("s-1");
		double before = deliveries("out_of_skew");
		long inTwoHours = Instant.now().plus(Duration.ofHours(2)).getEpochSecond();

		for (String timestamp : List.of("\"2099-01-01T00:00:00Z\"", "4102444800", "4102444800000",
				Long.toString(inTwoHours))) {
			HttpResponse<String> response = deliver(WEBHOOK_SECRET,
					"{\"event\":\"session.ended\",\"sessionId\":\"s-1\",\"timestamp\":" + timestamp + "}");

			assertThat(response.statusCode()).as(timestamp).isEqualTo(200);
			assertThat(json(response).path("tracked").asBoolean()).as(timestamp).isFalse();
		}

		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(deliveries("out_of_skew")).isEqualTo(before + 4);
	}

	@Test
	void aReplayedDeliveryDatedInTheFutureDoesNotEndTheSessionOpenedAgain() throws Exception {
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":true,\"sessionId\":\"s-1\"}")));
		openTracked("s-1");
		String future = "{\"event\":\"session.ended\",\"sessionId\":\"s-1\",\"timestamp\":\"2099-01-01T00:00:00Z\"}";
		deliver(WEBHOOK_SECRET, future);
		// the first session ends as its client asks, and the id is opened again
		assertThat(send("DELETE", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, "{\"session_id\":\"s-1\"}")
			.statusCode()).isLessThan(300);
		openTracked("s-1");

		assertThat(deliver(WEBHOOK_SECRET, future).statusCode()).isEqualTo(200);

		TrackedSession reopened = allSessions().stream().max(Comparator.comparing(TrackedSession::id)).orElseThrow();
		assertThat(reopened.status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void aDeliveryDatedWithinTheClockSkewEndsTheSession() throws Exception {
		openTracked("s-1");
		Instant ahead = Instant.now().plus(Duration.ofSeconds(30));

		assertThat(deliver(WEBHOOK_SECRET,
				"{\"event\":\"session.ended\",\"sessionId\":\"s-1\",\"timestamp\":\"" + ahead + "\"}")
			.statusCode()).isEqualTo(200);

		assertThat(onlySession().status()).isEqualTo(SessionStatus.ENDED);
	}

	@Test
	void anOldDeliveryIsNotOutOfSkewAndEndsNoSessionOpenedAfterIt() throws Exception {
		openTracked("s-1");
		double before = deliveries("out_of_skew");

		HttpResponse<String> response = deliver(WEBHOOK_SECRET,
				"{\"event\":\"session.ended\",\"sessionId\":\"s-1\",\"timestamp\":\"2020-01-01T00:00:00Z\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
		assertThat(deliveries("out_of_skew")).isEqualTo(before);
	}

	@Test
	void aMissingOrWrongSecretIsRefusedAndChangesNothing() throws Exception {
		openTracked("s-1");
		String event = "{\"event\":\"session.ended\",\"sessionId\":\"s-1\"}";

		HttpResponse<String> missing = deliver(null, event);
		HttpResponse<String> wrong = deliver(WEBHOOK_SECRET + "x", event);
		HttpResponse<String> clientKey = deliver(SERVICE_KEY, event);

		for (HttpResponse<String> response : java.util.List.of(missing, wrong, clientKey)) {
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(json(response).path("code").asString()).isEqualTo("UNAUTHENTICATED");
		}
		assertThat(onlySession().status()).isEqualTo(SessionStatus.ACTIVE);
	}

}
