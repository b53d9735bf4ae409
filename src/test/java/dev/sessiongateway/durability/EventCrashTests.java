package dev.sessiongateway.durability;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway on the shipped H2 file is killed with SIGKILL while it delivers an event (the
 * receiver has the request and has not answered): the event stays in the outbox, and the
 * gateway started again on the same file delivers it once its claim has run out, with the
 * same {@code webhook-id} and body, signed anew.
 */
class EventCrashTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PROJECT = "proj-event-crash";

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	/** whsec_ and the base64 of 32 bytes of obviously fake text. */
	private static final String SECRET = "whsec_"
			+ Base64.getEncoder().encodeToString("crash-test-events-secret-fake!!!".getBytes(StandardCharsets.UTF_8));

	/** What the receiver was sent: the three headers and the body. */
	record Delivery(String id, String timestamp, String signature, String body) {
	}

	@Test
	void anEventBeingDeliveredWhenTheGatewayIsKilledIsDeliveredAfterItRestarts() throws Exception {
		Path directory = WORK.resolve("event-crash-" + System.currentTimeMillis());
		List<Delivery> deliveries = new CopyOnWriteArrayList<>();
		CountDownLatch firstArrived = new CountDownLatch(1);
		CountDownLatch gatewayKilled = new CountDownLatch(1);
		HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/events", (exchange) -> {
			try (InputStream body = exchange.getRequestBody()) {
				deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"),
						exchange.getRequestHeaders().getFirst("webhook-timestamp"),
						exchange.getRequestHeaders().getFirst("webhook-signature"),
						new String(body.readAllBytes(), StandardCharsets.UTF_8)));
			}
			if (deliveries.size() == 1) {
				// the first delivery is held until its gateway is gone
				firstArrived.countDown();
				awaitQuietly(gatewayKilled);
			}
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		receiver.start();
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			try {
				Map<String, String> settings = GatewayProcess.settings(stub.baseUrl(0));
				settings.put("gateway.events.allowed-hosts", "127.0.0.1");
				settings.put("gateway.clients[0].events.url",
						"http://127.0.0.1:" + receiver.getAddress().getPort() + "/events");
				settings.put("gateway.clients[0].events.secret", SECRET);
				settings.put("gateway.events.connect-timeout", "500ms");
				settings.put("gateway.events.read-timeout", "2s");
				settings.put("gateway.events.poll-interval", "200ms");
				GatewayProcess first = gateways.start("before-kill", settings).awaitReady(READY_WITHIN);
				assertThat(send(first, "POST", "c1").statusCode()).isEqualTo(201);
				assertThat(send(first, "DELETE", "c1").statusCode()).isEqualTo(200);
				assertThat(firstArrived.await(30, TimeUnit.SECONDS)).as("the first delivery reached the receiver")
					.isTrue();

				first.kill();
				gatewayKilled.countDown();
				assertThat(deliveries).hasSize(1);

				GatewayProcess second = gateways.start("after-restart", settings).awaitReady(READY_WITHIN);
				long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				while (deliveries.size() < 2 && deadline - System.nanoTime() > 0) {
					Thread.sleep(200);
				}
				JsonNode listed = awaitDelivered(second);
				second.stop();
				System.out.printf("""
						== an event being delivered when the gateway was killed (SIGKILL)
						  deliveries the receiver saw: %d, ids %s
						  the outbox after the restart: %s
						%n""", deliveries.size(), deliveries.stream().map(Delivery::id).toList(), listed);

				assertThat(deliveries).hasSize(2);
				Delivery before = deliveries.get(0);
				Delivery after = deliveries.get(1);
				assertThat(after.id()).isEqualTo(before.id());
				assertThat(after.body()).isEqualTo(before.body());
				assertThat(verifies(after)).isTrue();
				assertThat(verifies(before)).isTrue();
				JsonNode session = JSON.readTree(after.body()).path("data").path("session");
				assertThat(session.path("sessionId").asString()).isEqualTo("c1");
				assertThat(session.path("status").asString()).isEqualTo("ENDED");
				assertThat(listed.path("items")).singleElement().satisfies((event) -> {
					assertThat(event.path("eventId").asString()).isEqualTo(before.id());
					assertThat(event.path("status").asString()).isEqualTo("DELIVERED");
					assertThat(event.path("attempts").asInt()).isEqualTo(2);
				});
			}
			catch (Throwable failure) {
				gateways.printOutput();
				throw failure;
			}
		}
		finally {
			gatewayKilled.countDown();
			receiver.stop(0);
		}
	}

	private static HttpResponse<String> send(GatewayProcess gateway, String method, String sessionId) {
		return gateway.send(method, "/pathors/v1/projects/" + PROJECT + "/sessions", GatewayProcess.CLIENT_KEY,
				"{\"session_id\":\"" + sessionId + "\"}", Map.of());
	}

	/**
	 * The outbox as ops list it, once its one event is delivered (or a minute passed).
	 */
	private static JsonNode awaitDelivered(GatewayProcess gateway) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		JsonNode listed;
		do {
			HttpResponse<String> answer = gateway.send("GET", "/ops/events", GatewayProcess.CLIENT_KEY, null, Map.of());
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			listed = JSON.readTree(answer.body());
			if ("DELIVERED".equals(listed.path("items").path(0).path("status").asString())) {
				return listed;
			}
			Thread.sleep(200);
		}
		while (deadline - System.nanoTime() > 0);
		return listed;
	}

	/** Standard Webhooks' check, written here from the scheme. */
	private static boolean verifies(Delivery delivery) throws Exception {
		Mac hmac = Mac.getInstance("HmacSHA256");
		hmac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
		byte[] expected = Base64.getEncoder()
			.encode(hmac.doFinal((delivery.id() + "." + delivery.timestamp() + "." + delivery.body())
				.getBytes(StandardCharsets.UTF_8)));
		for (String signature : delivery.signature().split(" ")) {
			if (signature.startsWith("v1,")
					&& MessageDigest.isEqual(expected, signature.substring(3).getBytes(StandardCharsets.US_ASCII))) {
				return true;
			}
		}
		return false;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(90, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
