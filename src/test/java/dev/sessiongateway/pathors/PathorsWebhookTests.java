package dev.sessiongateway.pathors;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.Session;
import dev.sessiongateway.tracking.SessionStatus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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
			Session session = onlySession();
			assertThat(session.getStatus()).as(event).isEqualTo(SessionStatus.ENDED);
			assertThat(session.getEndReason()).isEqualTo(EndReason.PROVIDER_ENDED);
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

		assertThat(onlySession().getStatus()).isEqualTo(SessionStatus.ENDED);
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

		assertThat(onlySession().getStatus()).isEqualTo(SessionStatus.ACTIVE);
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
		assertThat(onlySession().getStatus()).isEqualTo(SessionStatus.ACTIVE);
	}

}
