package dev.sessiongateway.events;

/**
 * The hosts the gateway may deliver events to ({@code gateway.events.allowed-hosts}), so
 * that no setting can make it call an address nobody chose for that: an event URL whose
 * host is not among them is refused at start-up.
 */
@FunctionalInterface
public interface EventHosts {

	/** Whether events may be delivered to this host (as a URL names it). */
	boolean allows(String host);

}
