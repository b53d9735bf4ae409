package dev.sessiongateway.cleanup;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.tracking.RetryPolicy;
import dev.sessiongateway.tracking.SessionUpkeep;
import dev.sessiongateway.tracking.TrackingProperties;

/**
 * The retry policy every end follows, and the background worker. Its settings are checked
 * against each other and the providers' call budgets before the gateway starts
 * ({@link TrackingProperties}).
 */
@Configuration(proxyBeanMethods = false)
class CleanupConfiguration {

	@Bean
	RetryPolicy retryPolicy(TrackingProperties properties) {
		return new Backoff(properties.worker().minBackoff(), properties.worker().maxBackoff());
	}

	@Bean
	CleanupWorker cleanupWorker(SessionUpkeep upkeep, TrackingProperties properties,
			ObjectProvider<ObservationRegistry> observations) {
		return new CleanupWorker(upkeep, properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

}
