package dev.sessiongateway.pathors;

import java.time.Duration;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import dev.sessiongateway.upstream.RequestBudgets;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Pathors client against WireMock, without a Spring context: what reaches the wire,
 * and how every kind of failure is classified.
 */
class PathorsClientTests {

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private PathorsClient client;

	@BeforeEach
	void start() {
		this.server.start();
		this.client = client(this.server.baseUrl(), 0);
	}

	@AfterEach
	void stop() throws Exception {
		this.client.destroy();
		this.server.stop();
	}

	private PathorsClient client(String baseUrl, int rateLimit) {
		return client(baseUrl, rateLimit, 0, Duration.ofSeconds(10));
	}

	private PathorsClient client(String baseUrl, int rateLimit, int circuitThreshold, Duration circuitOpenFor) {
		return client(baseUrl, rateLimit, circuitThreshold, circuitOpenFor, 4);
	}

	private PathorsClient client(String baseUrl, int rateLimit, int circuitThreshold, Duration circuitOpenFor,
			int maxConnections) {
		PathorsProperties properties = new PathorsProperties(baseUrl, "dk_client_test",
				Map.of("special", new PathorsProperties.Project("dk_special")), null, Duration.ofMinutes(1),
				Duration.ofMillis(500), Duration.ofMillis(400), maxConnections, Duration.ofMillis(200), rateLimit,
				DataSize.ofKilobytes(64), circuitThreshold, circuitOpenFor, 0);
		return new PathorsClient(properties, RestClient.builder(), this.meters, RequestBudgets.local(),
				(provider) -> Map.of(), new DefaultListableBeanFactory().getBeanProvider(ObservationRegistry.class));
	}

	private UpstreamException.Kind failureOf(Runnable call) {
		try {
			call.run();
		}
		catch (UpstreamException ex) {
			return ex.kind();
		}
		throw new AssertionError("expected an UpstreamException");
	}

	@Test
	void endSendsADeleteWithTheSessionIdAsJsonBody() {
		this.server.stubFor(delete(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"success\":true}")));

		UpstreamResponse response = this.client.end("proj", "s \"1\"");

		assertThat(response.status()).isEqualTo(200);
		this.server.verify(1,
				deleteRequestedFor(urlEqualTo("/v1/projects/proj/sessions"))
					.withHeader("Authorization", equalTo("Bearer dk_client_test"))
					.withHeader("Content-Type", equalTo("application/json"))
					.withRequestBody(equalToJson("{\"session_id\":\"s \\\"1\\\"\"}")));
	}

	@Test
	void idsAreEncodedAsSinglePathSegments() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

		this.client.get("p/../x", "../../admin?x=1#y");

		this.server.verify(1,
				getRequestedFor(urlEqualTo("/v1/projects/p%2F..%2Fx/sessions/..%2F..%2Fadmin%3Fx%3D1%23y")));
		this.server.verify(1, anyRequestedFor(anyUrl()));
	}

	@Test
	void aProjectWithItsOwnKeyUsesIt() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));

		this.client.get("special", "s");

		this.server.verify(getRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer dk_special")));
	}

	@Test
	void callerErrorsAreReturnedNotThrown() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404).withBody("{\"error\":\"nope\"}")));

		UpstreamResponse response = this.client.get("p", "s");

		assertThat(response.status()).isEqualTo(404);
		assertThat(new String(response.body())).isEqualTo("{\"error\":\"nope\"}");
	}

	@Test
	void eachFailureIsClassified() {
		record Case(int status, Fault fault, UpstreamException.Kind kind) {
		}
		var cases = java.util.List.of(new Case(401, null, UpstreamException.Kind.REJECTED_CREDENTIALS),
				new Case(403, null, UpstreamException.Kind.REJECTED_CREDENTIALS),
				new Case(429, null, UpstreamException.Kind.RATE_LIMITED),
				new Case(500, null, UpstreamException.Kind.SERVER_ERROR),
				new Case(503, null, UpstreamException.Kind.SERVER_ERROR),
				new Case(301, null, UpstreamException.Kind.UNAVAILABLE),
				new Case(0, Fault.CONNECTION_RESET_BY_PEER, UpstreamException.Kind.RESET),
				new Case(0, Fault.EMPTY_RESPONSE, UpstreamException.Kind.RESET),
				new Case(0, Fault.RANDOM_DATA_THEN_CLOSE, UpstreamException.Kind.RESET));
		for (Case c : cases) {
			this.server.resetAll();
			this.server.stubFor(any(anyUrl()).willReturn((c.fault() != null) ? aResponse().withFault(c.fault())
					: aResponse().withStatus(c.status())
						.withHeader("Location", "http://elsewhere.invalid/")
						.withBody("{}")));

			assertThat(failureOf(() -> this.client.get("p", "s"))).as(c.toString()).isEqualTo(c.kind());
		}
	}

	@Test
	void aSlowAnswerTimesOutAndIsUncertain() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}").withFixedDelay(1000)));

		assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> this.client.get("p", "s"))
			.satisfies((ex) -> {
				assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.TIMED_OUT);
				assertThat(ex.isUncertain()).isTrue();
			});
	}

	@Test
	void aRefusedConnectionIsCertainlyNotSent() throws Exception {
		int closedPort;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		PathorsClient unreachable = client("http://127.0.0.1:" + closedPort, 0);
		try {
			assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> unreachable.get("p", "s"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.UNREACHABLE);
					assertThat(ex.isUncertain()).isFalse();
				});
		}
		finally {
			unreachable.destroy();
		}
	}

	@Test
	void anOversizedAnswerIsRefused() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("x".repeat(70 * 1024))));

		assertThat(failureOf(() -> this.client.get("p", "s"))).isEqualTo(UpstreamException.Kind.MALFORMED);
	}

	@Test
	void theOutboundRateLimitHoldsRequestsBackBeforeTheyAreSent() throws Exception {
		PathorsClient limited = client(this.server.baseUrl(), 2);
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
		try {
			limited.get("p", "1");
			limited.get("p", "2");

			assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> limited.get("p", "3"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.LOCAL_LIMIT);
					assertThat(ex.retryAfterSeconds()).isPositive();
				});
			this.server.verify(2, getRequestedFor(anyUrl()));
		}
		finally {
			limited.destroy();
		}
	}

	@Test
	void aProviderThatKeepsFailingIsPausedAndTriedAgainLater() throws Exception {
		PathorsClient guarded = client(this.server.baseUrl(), 0, 2, Duration.ofMillis(300));
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
		try {
			assertThat(failureOf(() -> guarded.get("p", "1"))).isEqualTo(UpstreamException.Kind.SERVER_ERROR);
			assertThat(failureOf(() -> guarded.get("p", "2"))).isEqualTo(UpstreamException.Kind.SERVER_ERROR);

			assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> guarded.get("p", "3"))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.CIRCUIT_OPEN);
					assertThat(ex.retryAfterSeconds()).isPositive();
				});
			this.server.verify(2, getRequestedFor(anyUrl()));

			Thread.sleep(400);
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
			assertThat(guarded.get("p", "4").status()).isEqualTo(200);
			assertThat(guarded.get("p", "5").status()).isEqualTo(200);
			this.server.verify(4, getRequestedFor(anyUrl()));
		}
		finally {
			guarded.destroy();
		}
	}

	@Test
	void aReplyWithAnUnparsableContentTypeIsMalformedAndATrialCallEndingSoDoesNotJamTheCircuit() throws Exception {
		PathorsClient guarded = client(this.server.baseUrl(), 0, 2, Duration.ofMillis(300));
		try {
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
			failureOf(() -> guarded.get("p", "1"));
			failureOf(() -> guarded.get("p", "2"));
			assertThat(failureOf(() -> guarded.get("p", "3"))).isEqualTo(UpstreamException.Kind.CIRCUIT_OPEN);
			Thread.sleep(400);
			this.server.stubFor(get(anyUrl())
				.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "no media type").withBody("{}")));

			assertThat(failureOf(() -> guarded.get("p", "trial"))).isEqualTo(UpstreamException.Kind.MALFORMED);

			Thread.sleep(400);
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
			assertThat(guarded.get("p", "next trial").status()).isEqualTo(200);
			assertThat(guarded.get("p", "closed again").status()).isEqualTo(200);
		}
		finally {
			guarded.destroy();
		}
	}

	@Test
	void aCallHeldBackByAFullPoolNeitherCountsNorResetsTheFailureCount() throws Exception {
		PathorsClient guarded = client(this.server.baseUrl(), 0, 2, Duration.ofSeconds(30), 1);
		try {
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(503)));
			this.server.stubFor(get(urlEqualTo("/v1/projects/p/sessions/slow"))
				.willReturn(aResponse().withStatus(503).withFixedDelay(350)));
			assertThat(failureOf(() -> guarded.get("p", "1"))).isEqualTo(UpstreamException.Kind.SERVER_ERROR);
			var slow = java.util.concurrent.CompletableFuture.supplyAsync(
					() -> failureOf(() -> guarded.get("p", "slow")),
					java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
			while (this.server.findAll(getRequestedFor(urlEqualTo("/v1/projects/p/sessions/slow"))).isEmpty()) {
				Thread.onSpinWait();
			}

			assertThat(failureOf(() -> guarded.get("p", "2"))).isEqualTo(UpstreamException.Kind.LOCAL_LIMIT);

			assertThat(slow.get()).isEqualTo(UpstreamException.Kind.SERVER_ERROR);
			assertThat(failureOf(() -> guarded.get("p", "3"))).as("two provider failures in a row")
				.isEqualTo(UpstreamException.Kind.CIRCUIT_OPEN);
		}
		finally {
			guarded.destroy();
		}
	}

	@Test
	void aFailedTrialCallOpensTheCircuitAgainAndCallerErrorsDoNotCount() throws Exception {
		PathorsClient guarded = client(this.server.baseUrl(), 0, 2, Duration.ofMillis(300));
		try {
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(404).withBody("{}")));
			for (int i = 0; i < 5; i++) {
				assertThat(guarded.get("p", "x").status()).isEqualTo(404);
			}
			this.server.stubFor(get(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
			failureOf(() -> guarded.get("p", "1"));
			failureOf(() -> guarded.get("p", "2"));
			Thread.sleep(400);
			assertThat(failureOf(() -> guarded.get("p", "trial"))).isEqualTo(UpstreamException.Kind.RESET);

			assertThat(failureOf(() -> guarded.get("p", "again"))).isEqualTo(UpstreamException.Kind.CIRCUIT_OPEN);
		}
		finally {
			guarded.destroy();
		}
	}

	@Test
	void deprecationHeadersAreCounted() {
		this.server.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(200)
			.withHeader("Deprecation", "true")
			.withHeader("Sunset", "Sat, 11 Jul 2026 00:00:00 GMT")
			.withBody("{}")));

		this.client.get("p", "s");

		assertThat(this.meters.get("gateway.upstream.deprecation.notices")
			.tags("provider", "pathors", "operation", "get")
			.counter()
			.count()).isEqualTo(1);
	}

}
