package dev.sessiongateway;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Prometheus scrape is written on a platform thread when a request's virtual thread
 * asks for it (the text format is about twenty times dearer on a virtual thread), with
 * the same answer, and a collector's failure still reaches the caller.
 */
class MetricsConfigurationTests {

	private final PrometheusRegistry registry = new PrometheusRegistry();

	private final MetricsConfiguration.PlatformThreadScrape endpoint = new MetricsConfiguration.PlatformThreadScrape(
			this.registry, new Properties());

	@AfterEach
	void stop() {
		this.endpoint.destroy();
	}

	private WebEndpointResponse<byte[]> scrapeOnAVirtualThread() throws InterruptedException {
		AtomicReference<WebEndpointResponse<byte[]>> answer = new AtomicReference<>();
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		Thread.ofVirtual().start(() -> {
			try {
				answer.set(this.endpoint.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, null));
			}
			catch (RuntimeException ex) {
				failure.set(ex);
			}
		}).join();
		if (failure.get() != null) {
			throw failure.get();
		}
		return answer.get();
	}

	@Test
	void aScrapeAskedForOnAVirtualThreadIsWrittenOnAPlatformThread() throws InterruptedException {
		AtomicReference<Thread> collectedOn = new AtomicReference<>();
		this.registry.register((Collector) () -> {
			collectedOn.set(Thread.currentThread());
			return CounterSnapshot.builder()
				.name("probe")
				.help("A probe")
				.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(3).labels(Labels.EMPTY).build())
				.build();
		});

		WebEndpointResponse<byte[]> response = scrapeOnAVirtualThread();

		assertThat(collectedOn.get().isVirtual()).isFalse();
		assertThat(collectedOn.get().getName()).isEqualTo("metrics-scrape");
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).contains("# HELP probe_total A probe")
			.contains("probe_total 3.0");
		assertThat(this.endpoint.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, null).getBody())
			.as("asked for on a platform thread, it is written there, alike")
			.isEqualTo(response.getBody());
	}

	@Test
	void aCollectorsFailureReachesTheCaller() {
		Collector broken = () -> {
			throw new IllegalStateException("collector broke");
		};
		this.registry.register(broken);

		assertThatIllegalStateException().isThrownBy(this::scrapeOnAVirtualThread).withMessage("collector broke");
	}

}
