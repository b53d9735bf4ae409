package dev.sessiongateway.tracking;

/**
 * What tracking and background work need from a provider. A new provider is a new package
 * with one implementation of this interface.
 *
 * @param <R> the provider's reply to an end
 */
public interface ProviderSessions<R> {

	/**
	 * The provider's name as stored in the session record ({@code pathors},
	 * {@code konpro}).
	 */
	String provider();

	/** Ends one session at the provider; never throws for provider failures. */
	EndAttempt<R> end(String scope, String sessionId);

}
