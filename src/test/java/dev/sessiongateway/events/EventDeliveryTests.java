package dev.sessiongateway.events;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events delivered to a client's event URL by the whole gateway, a WireMock server being
 * the receiver: each delivery is signed as Standard Webhooks defines (checked here by an
 * implementation of the scheme of the test's own), a receiver that fails for a while gets
 * every event once it recovers, redirects are not followed, a receiver that does not
 * answer in time or answers 410 Gone is a failed or given-up attempt, and ops see where
 * each event stands, counted by outcome. The test runs the delivery loop's one step
 * itself.
 */
class EventDeliveryTests extends GatewayTestSupport {

	/** whsec_ and the base64 of 32 bytes of obviously fake text. */
	static final String EVENTS_SECRET = "whsec_"
			+ Base64.getEncoder().encodeToString("events-test-secret-not-for-real!".getBytes(StandardCharsets.UTF_8));

	private static final String EVENTS_KEY = "test-events-key";

	private static final String RECEIVER_PATH = "/hooks/session-gateway";

	private static final String SESSIONS = "/pathors/v1/projects/proj-a/sessions";

	private static final WireMockServer receiver = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

	static {
		receiver.start();
	}

	@Autowired
	private EventDelivery delivery;

	@Autowired
	private MeterRegistry registry;

	/**
	 * One source for the whole list of clients: a client that receives events and an ops
	 * client.
	 */
	@DynamicPropertySource
	static void events(DynamicPropertyRegistry registry) {
		registry.add("gateway.clients[0].name", () -> "events-service");
		registry.add("gateway.clients[0].key-sha256", () -> sha256(EVENTS_KEY));
		registry.add("gateway.clients[0].roles", () -> "sessions");
		registry.add("gateway.clients[0].pathors-projects", () -> "proj-a");
		registry.add("gateway.clients[0].events.url",
				() -> "http://127.0.0.1:" + receiver.port() + RECEIVER_PATH + "?token=t0k3n");
		registry.add("gateway.clients[0].events.secret", () -> EVENTS_SECRET);
		registry.add("gateway.clients[1].name", () -> "ops-team");
		registry.add("gateway.clients[1].key-sha256", () -> sha256(OPS_KEY));
		registry.add("gateway.clients[1].roles", () -> "ops");
		registry.add("gateway.events.allowed-hosts", () -> "127.0.0.1");
		registry.add("gateway.events.min-backoff", () -> "20ms");
		registry.add("gateway.events.max-backoff", () -> "100ms");
		registry.add("gateway.events.read-timeout", () -> "500ms");
		// the first call of a cold context may take more than the test profile's second
		registry.add("gateway.pathors.read-timeout", () -> "10s");
	}

	@BeforeEach
	void receiverAndProvider() {
		receiver.resetAll();
		this.jdbc.update("delete from event_outbox");
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"{{jsonPath request.body '$.session_id'}}\",\"pathwayId\":\"pw\","
					+ "\"variables\":{\"secret_note\":\"VARIABLE_MARKER\"}}")
			.withTransformers("response-template")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"success\":true}")));
	}

	private void receiverAnswers(int status) {
		receiver.stubFor(post(urlEqualTo(RECEIVER_PATH + "?token=t0k3n")).willReturn(aResponse().withStatus(status)));
	}

	/** Opens and ends one session as the events client. */
	private void openAndEnd(String sessionId) {
		String body = "{\"session_id\":\"" + sessionId + "\",\"variables\":{\"secret_note\":\"VARIABLE_MARKER\"}}";
		assertThat(send("POST", SESSIONS, EVENTS_KEY, body).statusCode()).isEqualTo(200);
		HttpResponse<String> ended = send("DELETE", SESSIONS, EVENTS_KEY, "{\"session_id\":\"" + sessionId + "\"}");
		assertThat(ended.statusCode()).as(ended.body()).isEqualTo(200);
	}

	private List<LoggedRequest> received() {
		return receiver.findAll(postRequestedFor(urlEqualTo(RECEIVER_PATH + "?token=t0k3n")));
	}

	private JsonNode opsEvents(String query) {
		HttpResponse<String> listed = send("GET", "/ops/events" + query, OPS_KEY, null);
		assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
		assertThat(listed.body()).doesNotContain(EVENTS_SECRET.substring(6))
			.doesNotContain("t0k3n")
			.doesNotContain("/hooks/");
		return JSON.readTree(listed.body());
	}

	private double deliveries(String type, String outcome) {
		Counter counter = this.registry.find("gateway.events.deliveries")
			.tags("type", type, "outcome", outcome)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * Standard Webhooks, as the receiver checks it: the secret's base64 after
	 * {@code whsec_} is the key; the signed content is {@code id.timestamp.body}; the
	 * header holds space-separated {@code v1,<base64 HMAC-SHA256>} signatures, one of
	 * which must match.
	 */
	static boolean signatureVerifies(String secret, String id, String timestamp, String body, String header)
			throws Exception {
		byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
		Mac hmac = Mac.getInstance("HmacSHA256");
		hmac.init(new SecretKeySpec(key, "HmacSHA256"));
		byte[] expected = Base64.getEncoder()
			.encode(hmac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
		for (String signature : header.split(" ")) {
			if (signature.startsWith("v1,")
					&& MessageDigest.isEqual(expected, signature.substring(3).getBytes(StandardCharsets.US_ASCII))) {
				return true;
			}
		}
		return false;
	}

	@Test
	void anEndedSessionIsDeliveredSignedAsStandardWebhooksDefinesWithTheSessionAsOpsSeeIt() throws Exception {
		receiverAnswers(204);
		double delivered = deliveries("session.ended", "delivered");
		openAndEnd("chat-1");

		assertThat(this.delivery.deliverDue()).isEqualTo(1);

		assertThat(received()).singleElement().satisfies((request) -> {
			String id = request.getHeader("webhook-id");
			String timestamp = request.getHeader("webhook-timestamp");
			String body = request.getBodyAsString();
			assertThat(id).matches("evt_[A-Za-z0-9_-]{22}");
			assertThat(Instant.ofEpochSecond(Long.parseLong(timestamp))).isBetween(Instant.now().minusSeconds(30),
					Instant.now());
			assertThat(request.getHeader("webhook-signature")).startsWith("v1,");
			assertThat(request.getHeader("Content-Type")).startsWith("application/json");
			assertThat(signatureVerifies(EVENTS_SECRET, id, timestamp, body, request.getHeader("webhook-signature")))
				.isTrue();
			// what the check refuses: another body, id or timestamp, or another secret
			assertThat(signatureVerifies(EVENTS_SECRET, id, timestamp, body.replace("chat-1", "chat-2"),
					request.getHeader("webhook-signature")))
				.isFalse();
			assertThat(signatureVerifies(EVENTS_SECRET, id, String.valueOf(Long.parseLong(timestamp) + 1), body,
					request.getHeader("webhook-signature")))
				.isFalse();
			assertThat(signatureVerifies("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), id, timestamp,
					body, request.getHeader("webhook-signature")))
				.isFalse();

			JsonNode event = JSON.readTree(body);
			assertThat(event.path("type").asString()).isEqualTo("session.ended");
			JsonNode session = event.path("data").path("session");
			assertThat(session.path("sessionId").asString()).isEqualTo("chat-1");
			assertThat(session.path("provider").asString()).isEqualTo("pathors");
			assertThat(session.path("scope").asString()).isEqualTo("proj-a");
			assertThat(session.path("status").asString()).isEqualTo("ENDED");
			assertThat(session.path("endReason").asString()).isEqualTo("CLIENT");
			assertThat(session.path("client").asString()).isEqualTo("events-service");
			assertThat(body).doesNotContain("VARIABLE_MARKER").doesNotContain("variables");
			assertNoSecretIn("an event", body + request.getHeaders());
			assertThat(body + request.getHeaders()).doesNotContain(EVENTS_KEY).doesNotContain(EVENTS_SECRET);
		});
		assertThat(opsEvents("?status=DELIVERED").path("items")).singleElement().satisfies((event) -> {
			assertThat(event.path("eventId").asString()).isEqualTo(received().get(0).getHeader("webhook-id"));
			assertThat(event.path("type").asString()).isEqualTo("session.ended");
			assertThat(event.path("client").asString()).isEqualTo("events-service");
			assertThat(event.path("attempts").asInt()).isEqualTo(1);
			assertThat(event.path("finishedAt").isNull()).isFalse();
		});
		assertThat(deliveries("session.ended", "delivered") - delivered).isEqualTo(1);
	}

	@Test
	void aReceiverThatFailsForAWhileGetsEveryEventOnceItRecovers() throws Exception {
		receiverAnswers(500);
		double failed = deliveries("session.ended", "failed");
		for (int i = 1; i <= 4; i++) {
			openAndEnd("chat-" + i);
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (received().size() < 12 && deadline - System.nanoTime() > 0) {
			this.delivery.deliverDue();
			Thread.sleep(20);
		}
		assertThat(received()).as("each event tried again and again").hasSizeGreaterThanOrEqualTo(12);
		JsonNode pending = opsEvents("?status=PENDING").path("items");
		assertThat(pending).hasSize(4)
			.allSatisfy((event) -> assertThat(event.path("lastError").asString()).isEqualTo("HTTP 500"));
		assertThat(opsEvents("?status=DELIVERED").path("items")).isEmpty();
		assertThat(deliveries("session.ended", "failed") - failed).isGreaterThanOrEqualTo(12);

		receiver.resetAll();
		receiverAnswers(200);
		while (!opsEvents("?status=PENDING").path("items").isEmpty() && deadline - System.nanoTime() > 0) {
			this.delivery.deliverDue();
			Thread.sleep(20);
		}

		Set<String> sessionIds = new HashSet<>();
		Set<String> eventIds = new HashSet<>();
		for (LoggedRequest request : received()) {
			assertThat(signatureVerifies(EVENTS_SECRET, request.getHeader("webhook-id"),
					request.getHeader("webhook-timestamp"), request.getBodyAsString(),
					request.getHeader("webhook-signature")))
				.isTrue();
			eventIds.add(request.getHeader("webhook-id"));
			sessionIds.add(
					JSON.readTree(request.getBodyAsString()).path("data").path("session").path("sessionId").asString());
		}
		assertThat(sessionIds).containsExactlyInAnyOrder("chat-1", "chat-2", "chat-3", "chat-4");
		JsonNode delivered = opsEvents("?status=DELIVERED").path("items");
		assertThat(delivered).hasSize(4).allSatisfy((event) -> {
			assertThat(event.path("attempts").asInt()).isGreaterThanOrEqualTo(4);
			assertThat(eventIds).contains(event.path("eventId").asString());
		});
		assertThat(eventIds).hasSize(4);
	}

	@Test
	void aRedirectIsNotFollowedButCountsAsAFailedAttempt() {
		receiver.stubFor(post(urlEqualTo(RECEIVER_PATH + "?token=t0k3n"))
			.willReturn(aResponse().withStatus(307).withHeader("Location", receiver.baseUrl() + "/elsewhere")));
		receiver.stubFor(post(urlEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200)));
		openAndEnd("chat-1");

		this.delivery.deliverDue();

		assertThat(receiver.findAll(anyRequestedFor(urlEqualTo("/elsewhere")))).isEmpty();
		assertThat(opsEvents("?status=PENDING").path("items")).singleElement()
			.satisfies((event) -> assertThat(event.path("lastError").asString())
				.isEqualTo("HTTP 307: redirects are not followed, point the event URL at where it leads"));
	}

	@Test
	void aReceiverThatDoesNotAnswerInTimeIsAFailedAttempt() {
		receiver.stubFor(post(urlEqualTo(RECEIVER_PATH + "?token=t0k3n"))
			.willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
		openAndEnd("chat-1");

		long started = System.nanoTime();
		this.delivery.deliverDue();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1800));
		assertThat(opsEvents("?status=PENDING").path("items")).singleElement()
			.satisfies((event) -> assertThat(event.path("lastError").asString()).isEqualTo("no answer within 500 ms"));
	}

	@Test
	void aReceiverThatAnswersGoneIsGivenUpAndCounted() {
		receiverAnswers(410);
		double givenUp = deliveries("session.ended", "given_up");
		openAndEnd("chat-1");

		this.delivery.deliverDue();
		this.delivery.deliverDue();

		assertThat(received()).hasSize(1);
		assertThat(opsEvents("?status=FAILED").path("items")).singleElement()
			.satisfies((event) -> assertThat(event.path("lastError").asString())
				.isEqualTo("the receiver answered 410 Gone"));
		assertThat(deliveries("session.ended", "given_up") - givenUp).isEqualTo(1);
	}

	@Test
	void onlyOpsSeeTheEvents() {
		assertThat(send("GET", "/ops/events", EVENTS_KEY, null).statusCode()).isEqualTo(403);
		assertThat(send("GET", "/ops/events", null, null).statusCode()).isEqualTo(401);
		assertThat(send("GET", "/ops/events?status=LOST", OPS_KEY, null).statusCode()).isEqualTo(400);
	}

	static String sha256(String text) {
		try {
			return java.util.HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
