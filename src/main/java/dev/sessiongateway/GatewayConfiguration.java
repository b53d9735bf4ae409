package dev.sessiongateway;

import java.time.Clock;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Application-wide beans: the clock every timestamp comes from, and the {@code gateway.*}
 * settings of each feature.
 */
@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesScan
class GatewayConfiguration {

	/**
	 * The time in whole microseconds, the precision the database keeps: a time the ledger
	 * records is then the very time the gateway decided with, and sums of durations
	 * (session time) come out the same from the counts as from the history.
	 */
	@Bean
	Clock clock() {
		return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
	}

}
