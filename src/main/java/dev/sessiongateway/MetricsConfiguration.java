package dev.sessiongateway;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the gateway's meters are published: the meter Spring MVC makes of every answered
 * request gets a description (it has none, an empty {@code # HELP} line), and the
 * Prometheus scrape is written on a platform thread.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	static final String SERVER_REQUESTS = "http.server.requests";

	static final String SERVER_REQUESTS_DESCRIPTION = "Requests the gateway answered, by route template (uri), method, "
			+ "status and outcome, and how long they took";

	@Bean
	MeterFilter serverRequestsDescription() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				if (id.getDescription() != null || !id.getName().equals(SERVER_REQUESTS)) {
					return id;
				}
				return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
						SERVER_REQUESTS_DESCRIPTION, id.getType());
			}

		};
	}

	@Bean
	PrometheusScrapeEndpoint prometheusEndpoint(PrometheusRegistry registry, PrometheusConfig config) {
		return new PlatformThreadScrape(registry, config.prometheusProperties());
	}

	/**
	 * The scrape endpoint, writing on one platform thread. The Prometheus text format is
	 * written a character at a time through a {@code BufferedWriter}, which costs about
	 * twenty times more on a virtual thread (every request thread here) than on a
	 * platform thread. Scrapes asked for at once are written one after another.
	 */
	static final class PlatformThreadScrape extends PrometheusScrapeEndpoint implements DisposableBean {

		private final ExecutorService writer = Executors
			.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("metrics-scrape").factory());

		PlatformThreadScrape(PrometheusRegistry registry, Properties properties) {
			super(registry, properties);
		}

		@Override
		@ReadOperation(producesFrom = PrometheusOutputFormat.class)
		public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
			if (!Thread.currentThread().isVirtual()) {
				return super.scrape(format, includedNames);
			}
			Future<WebEndpointResponse<byte[]>> scrape = this.writer.submit(() -> super.scrape(format, includedNames));
			try {
				return scrape.get();
			}
			catch (InterruptedException ex) {
				scrape.cancel(true);
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while the metrics were written", ex);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof RuntimeException failure) {
					throw failure;
				}
				throw new IllegalStateException("the metrics could not be written", ex.getCause());
			}
		}

		@Override
		public void destroy() {
			this.writer.shutdownNow();
		}

	}

}
