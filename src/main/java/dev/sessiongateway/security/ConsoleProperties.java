package dev.sessiongateway.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ops console's sign-ins, under {@code gateway.console}.
 *
 * @param idleTimeout a sign-in not used for this long has ended
 * @param lifetime a sign-in ends this long after it was made, however much it is used
 */
@ConfigurationProperties("gateway.console")
record ConsoleProperties(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("12h") Duration lifetime) {

	ConsoleProperties {
		if (!idleTimeout.isPositive()) {
			throw new IllegalArgumentException("gateway.console.idle-timeout must be positive");
		}
		if (!lifetime.isPositive()) {
			throw new IllegalArgumentException("gateway.console.lifetime must be positive");
		}
	}

}
