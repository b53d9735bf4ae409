package dev.sessiongateway;

import java.time.Clock;

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

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
