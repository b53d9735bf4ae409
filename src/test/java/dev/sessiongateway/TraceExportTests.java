package dev.sessiongateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans leave the gateway only once an OTLP endpoint is set: without one there is no
 * exporter, nothing reaches the collector's default address, and nothing about exporting
 * is logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class TraceExportTests {

	private static final Pattern WARNING = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s.*");

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	/** Listens where an OTLP exporter sends by default (localhost:4318). */
	private final WireMockServer defaultCollector = new WireMockServer(
			WireMockConfiguration.options().port(4318).bindAddress("127.0.0.1"));

	private final WireMockServer collector = new WireMockServer(
			WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));

	@TempDir
	Path data;

	@BeforeEach
	void collectors() {
		for (WireMockServer server : List.of(this.defaultCollector, this.collector)) {
			server.start();
			server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
		}
	}

	@AfterEach
	void stopCollectors() {
		this.defaultCollector.stop();
		this.collector.stop();
	}

	private ConfigurableApplicationContext start(String... more) {
		List<String> args = new ArrayList<>(List.of(
				"--spring.datasource.url=jdbc:h2:file:" + this.data.resolve("session-gateway") + ";WRITE_DELAY=0",
				"--server.port=0", "--gateway.pathors.api-key=dk_start", "--gateway.konpro.api-key=start-key",
				"--gateway.clients[0].name=svc", "--gateway.clients[0].key-sha256=" + HASH,
				"--gateway.clients[0].roles=sessions", "--management.tracing.sampling.probability=1.0",
				"--management.opentelemetry.tracing.export.schedule-delay=100ms"));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(SessionGatewayApplication.class).run(args.toArray(String[]::new));
	}

	/** A few requests, each a sampled trace, and time for a batch to go out. */
	private static void traffic(ConfigurableApplicationContext context) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 0; i < 3; i++) {
			// answered or refused, each request is a trace of its own
			HttpResponse<String> answer = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/pathors/v1/projects/p/sessions/s"))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).isEqualTo(401);
		}
		Thread.sleep(1500);
	}

	@Test
	void withoutAnEndpointNothingIsExportedAndNothingIsLogged(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
			// metrics are scraped by Prometheus, never pushed over OTLP
			assertThat(context.getBeansOfType(MeterRegistry.class).values())
				.noneMatch((registry) -> registry.getClass().getName().contains("Otlp"));
			traffic(context);
			assertThat(this.defaultCollector.findAll(anyRequestedFor(anyUrl()))).isEmpty();
			assertThat(output.getAll().lines().filter((line) -> WARNING.matcher(line).matches())).isEmpty();
			assertThat(output.getAll()).doesNotContainIgnoringCase("export");
		}
	}

	@Test
	void withAnEndpointSpansGoThere(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = start(
				"--management.opentelemetry.tracing.export.otlp.endpoint=" + this.collector.baseUrl() + "/v1/traces")) {
			traffic(context);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (this.collector.findAll(postRequestedFor(urlEqualTo("/v1/traces"))).isEmpty()
					&& System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			assertThat(this.collector.findAll(postRequestedFor(urlEqualTo("/v1/traces")))).isNotEmpty();
			assertThat(this.defaultCollector.findAll(anyRequestedFor(anyUrl()))).isEmpty();
			assertThat(output.getAll().lines().filter((line) -> WARNING.matcher(line).matches())).isEmpty();
		}
	}

}
