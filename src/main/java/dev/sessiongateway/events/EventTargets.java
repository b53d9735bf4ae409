package dev.sessiongateway.events;

import org.jspecify.annotations.Nullable;

/**
 * Where each client's events go, as configured.
 */
public interface EventTargets {

	/** The client's event URL and secret, or null when it has none. */
	@Nullable EventTarget target(String client);

	/** Whether any client has an event URL. */
	boolean any();

}
