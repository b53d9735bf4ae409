package dev.sessiongateway.tracking;

/**
 * The clients that asked to be told what happens to their sessions and leases (an event
 * URL is configured for them): tracking writes events for those clients, and only for
 * those, so that a client without one costs nothing.
 */
@FunctionalInterface
public interface EventSubscribers {

	/** Whether events about this client's sessions and leases are to be delivered. */
	boolean subscribed(String client);

}
