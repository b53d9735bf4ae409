package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.tracking.ProviderSessions;
import dev.sessiongateway.tracking.RetryPolicy;
import dev.sessiongateway.tracking.SessionUpkeep;
import dev.sessiongateway.tracking.TrackingProperties;

/**
 * The retry policy every end follows, and the checks that hold background settings to the
 * providers' call budgets.
 */
@Configuration(proxyBeanMethods = false)
class CleanupConfiguration {

	/** Slack on top of the longest provider call before a row counts as abandoned. */
	static final Duration SLACK = Duration.ofSeconds(10);

	@Bean
	RetryPolicy retryPolicy(TrackingProperties properties) {
		return new Backoff(properties.worker().minBackoff(), properties.worker().maxBackoff());
	}

	@Bean
	CleanupWorker cleanupWorker(SessionUpkeep upkeep, TrackingProperties properties) {
		check(properties, upkeep.providers());
		return new CleanupWorker(upkeep, properties);
	}

	/**
	 * Refuses settings that contradict each other, that would let background work act on
	 * a row whose provider call may still be in flight, or that name a provider the
	 * gateway does not know.
	 */
	static void check(TrackingProperties properties, Map<String, ProviderSessions<?>> providers) {
		List<String> problems = new ArrayList<>();
		if (properties.worker().minBackoff().compareTo(properties.worker().maxBackoff()) > 0) {
			problems
				.add("gateway.sessions.worker.min-backoff must not be longer than gateway.sessions.worker.max-backoff");
		}
		for (String provider : properties.maxAge().keySet()) {
			if (!providers.containsKey(provider)) {
				problems.add("gateway.sessions.max-age." + provider + " names no provider (known: "
						+ String.join(", ", providers.keySet().stream().sorted().toList()) + ")");
			}
		}
		Duration longest = providers.values()
			.stream()
			.map(ProviderSessions::longestCall)
			.max(Duration::compareTo)
			.orElse(Duration.ZERO)
			.plus(SLACK);
		if (properties.openingTimeout().compareTo(longest) < 0) {
			problems.add("gateway.sessions.opening-timeout (" + properties.openingTimeout()
					+ ") must be at least the longest provider call (pool wait + connect + read timeout) plus "
					+ SLACK.toSeconds() + "s: " + longest);
		}
		if (properties.worker().lease().compareTo(longest) < 0) {
			problems.add("gateway.sessions.worker.lease (" + properties.worker().lease()
					+ ") must be at least the longest provider call (pool wait + connect + read timeout) plus "
					+ SLACK.toSeconds() + "s: " + longest);
		}
		if (properties.verifyAfter().compareTo(longest) < 0) {
			problems.add("gateway.sessions.verify-after (" + properties.verifyAfter()
					+ ") must be at least the longest provider call (pool wait + connect + read timeout) plus "
					+ SLACK.toSeconds() + "s: " + longest);
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("background work settings: " + String.join("; ", problems));
		}
	}

}
