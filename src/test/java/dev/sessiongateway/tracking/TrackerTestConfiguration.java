package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.persistence.EntityManagerFactory;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * What the tracker needs besides the database, for repository-slice tests: a clock,
 * meters, settings, the in-memory provider, and transactions that a test can make fail.
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
		return new TrackingProperties(Duration.ofSeconds(5));
	}

	@Bean
	FakeProvider fakeProvider() {
		return new FakeProvider("fake");
	}

	@Bean
	FlakyTransactions transactionManager(EntityManagerFactory entityManagerFactory) {
		return new FlakyTransactions(entityManagerFactory);
	}

}
