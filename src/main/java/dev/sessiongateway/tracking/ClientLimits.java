package dev.sessiongateway.tracking;

import java.util.Map;

/**
 * The caps each client has at each provider, as configured: tracking counts the live
 * sessions and opens of those clients, and only of those.
 */
@FunctionalInterface
public interface ClientLimits {

	/** Caps by client name, then by provider name; clients without caps are left out. */
	Map<String, Map<String, SessionCaps>> caps();

	/** The caps of one client at one provider, or none. */
	default SessionCaps caps(String client, String provider) {
		return caps().getOrDefault(client, Map.of()).getOrDefault(provider, new SessionCaps(0, 0));
	}

}
