package dev.sessiongateway.upstream;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClient;

import dev.sessiongateway.upstream.RequestBudget.Draw;
import dev.sessiongateway.web.RequestIds;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One provider's outbound side against WireMock, without a Spring context: every call is
 * timed by operation and outcome, a failed call logs its cause and the provider's host in
 * one line (never a key), every call carries the request id of its work, and deprecation
 * headers are counted and warned about.
 */
class UpstreamCallsTests {

	private static final String KEY = "dk_UPSTREAM_TEST_KEY_MARKER_3e9d";

	private final WireMockServer server = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private final Logger upstreamLog = (Logger) LoggerFactory.getLogger("dev.sessiongateway.upstream");

	private Upstream upstream;

	@BeforeEach
	void start() {
		this.server.start();
		this.upstream = upstream(this.server.baseUrl());
		this.logged.start();
		this.upstreamLog.addAppender(this.logged);
	}

	@AfterEach
	void stop() throws Exception {
		this.upstreamLog.detachAppender(this.logged);
		this.upstream.close();
		this.server.stop();
		MDC.clear();
	}

	private Upstream upstream(String baseUrl) {
		UpstreamSettings settings = new UpstreamSettings("Pathors", URI.create(baseUrl), Duration.ofMillis(500),
				Duration.ofMillis(400), 4, Duration.ofMillis(200), 0, DataSize.ofKilobytes(64), 0,
				Duration.ofSeconds(10), 0, Map.of());
		return new Upstream(settings, RestClient.builder(), this.meters, List.of(KEY), RequestBudgets.local());
	}

	private final Consumer<HttpHeaders> auth = (headers) -> headers.setBearerAuth(KEY);

	private UpstreamResponse create(Upstream upstream) {
		return upstream.exchange(Draw.open("svc"), "create", HttpMethod.POST, "/v1/projects/{projectId}/sessions",
				this.auth, "{\"session_id\":\"s\"}".getBytes(), "p");
	}

	private UpstreamException.Kind failedCreate(Upstream upstream) {
		try {
			create(upstream);
		}
		catch (UpstreamException ex) {
			return ex.kind();
		}
		throw new AssertionError("the call did not fail");
	}

	private Timer calls(String operation, String outcome) {
		return this.meters.get("gateway.upstream.calls")
			.tags("provider", "pathors", "operation", operation, "outcome", outcome)
			.timer();
	}

	private List<String> warnings() {
		return this.logged.list.stream()
			.filter((event) -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	private void answer(int status) {
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withBody("{\"sessionId\":\"s\"}")));
	}

	private void fault(Fault fault) {
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withFault(fault)));
	}

	@Test
	void everyCallIsTimedByProviderOperationAndOutcomeInAFewBuckets() {
		answer(201);
		create(this.upstream);
		create(this.upstream);
		answer(409);
		create(this.upstream);
		answer(500);
		failedCreate(this.upstream);
		fault(Fault.CONNECTION_RESET_BY_PEER);
		failedCreate(this.upstream);
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withFixedDelay(1000)));
		failedCreate(this.upstream);
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
		this.upstream.exchange(Draw.end(), "end", HttpMethod.DELETE, "/v1/projects/{projectId}/sessions", this.auth,
				"{\"session_id\":\"s\"}".getBytes(), "p");

		assertThat(calls("create", "success").count()).isEqualTo(2);
		assertThat(calls("create", "client_error").count()).isEqualTo(1);
		assertThat(calls("create", "server_error").count()).isEqualTo(1);
		assertThat(calls("create", "reset").count()).isEqualTo(1);
		assertThat(calls("create", "timed_out").count()).isEqualTo(1);
		assertThat(calls("create", "timed_out").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
			.isGreaterThanOrEqualTo(400);
		assertThat(calls("end", "success").count()).isEqualTo(1);
		CountAtBucket[] buckets = calls("create", "success").takeSnapshot().histogramCounts();
		assertThat(buckets).extracting((bucket) -> bucket.bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
			.containsExactly(50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0);
		assertThat(buckets[buckets.length - 1].count()).isEqualTo(2);
		assertThat(this.meters.get("gateway.upstream.calls").timers()).allSatisfy((timer) -> {
			assertThat(timer.getId().getDescription()).isNotBlank();
			assertThat(timer.getId().getTags()).extracting(io.micrometer.core.instrument.Tag::getKey)
				.containsExactlyInAnyOrder("provider", "operation", "outcome");
		});
	}

	@Test
	void bodiesAndHeaderLinesLargerThanAConnectionsBuffersPassWhole() {
		String field = "x".repeat(PooledHttpClients.BUFFER_SIZE * 14);
		String reply = "{\"sessionId\":\"s\",\"note\":\"" + field + "\"}";
		String header = "h".repeat(PooledHttpClients.BUFFER_SIZE + PooledHttpClients.BUFFER_SIZE / 2);
		this.server.stubFor(
				any(anyUrl()).willReturn(aResponse().withStatus(201).withHeader("X-Long", header).withBody(reply)));
		byte[] sent = ("{\"session_id\":\"s\",\"metadata\":{\"note\":\"" + field + "\"}}").getBytes();

		UpstreamResponse response = this.upstream.exchange(Draw.open("svc"), "create", HttpMethod.POST,
				"/v1/projects/{projectId}/sessions", this.auth, sent, "p");
		UpstreamResponse again = create(this.upstream);

		assertThat(response.status()).isEqualTo(201);
		assertThat(new String(response.body())).isEqualTo(reply);
		assertThat(again.status()).isEqualTo(201);
		assertThat(this.server.getAllServeEvents()).hasSize(2);
		assertThat(this.server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl())))
			.extracting(LoggedRequest::getBodyAsString)
			.contains(new String(sent));
	}

	@Test
	void aFailedCallLogsItsCauseAndTheProvidersHostInOneLine() throws Exception {
		String host = "localhost:" + this.server.port();
		fault(Fault.CONNECTION_RESET_BY_PEER);
		failedCreate(this.upstream);
		fault(Fault.EMPTY_RESPONSE);
		failedCreate(this.upstream);
		this.server.resetAll();
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withFixedDelay(1000)));
		failedCreate(this.upstream);
		answer(503);
		failedCreate(this.upstream);
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		try (Upstream refused = upstream("http://127.0.0.1:" + closed);
				Upstream unknownHost = upstream("http://no-such-host.invalid")) {
			assertThat(failedCreate(refused)).isEqualTo(UpstreamException.Kind.UNREACHABLE);
			assertThat(failedCreate(unknownHost)).isEqualTo(UpstreamException.Kind.UNREACHABLE);
		}

		assertThat(warnings()).as(String.join("\n", warnings())).hasSize(6);
		assertThat(warnings().get(0)).startsWith("Pathors create call to " + host + " failed after ")
			.endsWith(": connection reset");
		assertThat(warnings().get(1)).endsWith(": the connection closed without an answer");
		assertThat(warnings().get(2)).endsWith(": no answer within the read timeout of 400 ms");
		assertThat(warnings().get(3)).endsWith(": Pathors answered 503.");
		assertThat(warnings().get(4)).startsWith("Pathors create call to 127.0.0.1:" + closed + " failed")
			.endsWith(": connection refused");
		assertThat(warnings().get(5)).startsWith("Pathors create call to no-such-host.invalid failed")
			.endsWith(": host not found (DNS lookup failed)");
		assertThat(this.logged.list).allSatisfy((event) -> {
			assertThat(event.getFormattedMessage()).doesNotContain(KEY).doesNotContain("\n");
			assertThat(event.getThrowableProxy()).isNull();
		});
	}

	@Test
	void everyCallCarriesTheRequestIdOfTheWorkItBelongsTo() {
		answer(201);
		MDC.put(RequestIds.MDC_KEY, "req-from-a-caller");
		create(this.upstream);
		MDC.remove(RequestIds.MDC_KEY);
		create(this.upstream);
		create(this.upstream);

		List<String> sent = this.server
			.findAll(com.github.tomakehurst.wiremock.client.WireMock
				.postRequestedFor(urlEqualTo("/v1/projects/p/sessions")))
			.stream()
			.map((LoggedRequest request) -> request.getHeader(RequestIds.HEADER))
			.toList();
		assertThat(sent).hasSize(3);
		assertThat(sent.get(0)).isEqualTo("req-from-a-caller");
		assertThat(sent.get(1)).matches("[0-9a-f-]{36}").isNotEqualTo(sent.get(2));
		assertThat(sent.get(2)).matches("[0-9a-f-]{36}");
		assertThat(MDC.get(RequestIds.MDC_KEY)).as("a call's own id is gone once it returns").isNull();
	}

	@Test
	void aCallWithoutAnIdOfItsOwnLogsItsFailureUnderTheIdItSent() {
		fault(Fault.CONNECTION_RESET_BY_PEER);

		failedCreate(this.upstream);

		String sent = this.server.getAllServeEvents().getFirst().getRequest().getHeader(RequestIds.HEADER);
		ILoggingEvent failure = this.logged.list.getFirst();
		assertThat(failure.getMDCPropertyMap()).containsEntry(RequestIds.MDC_KEY, sent);
	}

	@Test
	void deprecationHeadersAreCountedByOperationAndWarnedAboutOnceAMinute() {
		this.server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201)
			.withHeader("Deprecation", "true")
			.withHeader("Sunset", "Sat, 11 Jul 2026 00:00:00 GMT")
			.withBody("{\"sessionId\":\"s\"}")));

		create(this.upstream);
		create(this.upstream);
		create(this.upstream);

		assertThat(this.meters.get("gateway.upstream.deprecation.notices")
			.tags("provider", "pathors", "operation", "create")
			.counter()
			.count()).isEqualTo(3);
		assertThat(warnings()).containsExactly(
				"Pathors marks an API the gateway uses (create) as deprecated (Deprecation: true, Sunset: Sat, 11 Jul 2026 00:00:00 GMT)");
	}

	@Test
	void callsTheGatewayHoldsBackAreCountedNotTimed() throws Exception {
		UpstreamSettings settings = new UpstreamSettings("Pathors", URI.create(this.server.baseUrl()),
				Duration.ofMillis(500), Duration.ofMillis(400), 4, Duration.ofMillis(200), 1, DataSize.ofKilobytes(64),
				0, Duration.ofSeconds(10), 0, Map.of());
		answer(201);
		try (Upstream limited = new Upstream(settings, RestClient.builder(), this.meters, List.of(KEY),
				RequestBudgets.local())) {
			create(limited);
			assertThatExceptionOfType(UpstreamException.class).isThrownBy(() -> create(limited))
				.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.LOCAL_LIMIT));
		}

		assertThat(this.meters.get("gateway.upstream.limited").tags("provider", "pathors").counter().count())
			.isEqualTo(1);
		assertThat(calls("create", "success").count()).isEqualTo(1);
		assertThat(this.meters.find("gateway.upstream.calls").tags("outcome", "local_limit").timer()).isNull();
	}

	@Test
	void aPathSegmentThatWouldChangeTheProvidersPathIsNeverSent() {
		for (String segment : List.of(".", "..")) {
			assertThatExceptionOfType(UpstreamException.class)
				.isThrownBy(() -> this.upstream.exchange(Draw.read(), "get", HttpMethod.GET,
						"/v1/projects/{projectId}/sessions/{sessionId}", this.auth, null, "p", segment))
				.satisfies((ex) -> {
					assertThat(ex.kind()).isEqualTo(UpstreamException.Kind.NOT_SENT);
					assertThat(ex.isUncertain()).isFalse();
				});
		}
		assertThat(this.server.getAllServeEvents()).isEmpty();
		assertThat(this.meters.get("gateway.upstream.calls").tag("outcome", "not_sent").timer().count()).isEqualTo(2);
	}

}
