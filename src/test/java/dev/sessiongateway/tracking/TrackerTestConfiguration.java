package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * What the tracker needs besides the database, for repository-slice tests.
 */
@TestConfiguration(proxyBeanMethods = false)
class TrackerTestConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	TrackingProperties trackingProperties() {
		return new TrackingProperties(2, Duration.ofMillis(5), Duration.ofSeconds(5));
	}

}
