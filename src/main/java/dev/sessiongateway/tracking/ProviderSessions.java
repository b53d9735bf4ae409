package dev.sessiongateway.tracking;

/**
 * The port through which tracking reaches a provider. A new provider is a new package
 * with one implementation of this interface, plus its configuration. Implementations
 * never throw for provider failures: every call comes back as a {@link ProviderOutcome}.
 *
 * @param <R> the provider's reply, passed back to the caller untouched
 */
public interface ProviderSessions<R> {

	/**
	 * The provider's name as stored in the session record ({@code pathors},
	 * {@code konpro}).
	 */
	String provider();

	/**
	 * Opens a session; a confirmation names the session (and whatever else the reply said
	 * of it).
	 */
	ProviderOutcome<R> open(OpenIntent intent);

	/** Ends one session; a confirmation means the session is gone (2xx, or not found). */
	ProviderOutcome<R> end(String scope, String sessionId);

	/** Asks whether one session is still alive, and until when. */
	ProviderOutcome<R> status(String scope, String sessionId);

	/**
	 * The longest one call can take before it comes back (connection, pool wait and
	 * answer): a create older than this is no longer in flight.
	 */
	java.time.Duration longestCall();

}
