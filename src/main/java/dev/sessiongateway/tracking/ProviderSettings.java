package dev.sessiongateway.tracking;

import java.time.Duration;

/**
 * What tracking's settings are held to of a provider's own settings before the gateway
 * starts: the name its rows carry, and the longest one call to it may take. Each
 * provider's settings record says it of itself.
 */
public interface ProviderSettings {

	/** The provider's name as stored in the session record. */
	String provider();

	/** The longest one call can take: waiting for a connection, connecting, answering. */
	Duration longestCall();

}
