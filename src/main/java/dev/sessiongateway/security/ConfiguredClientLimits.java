package dev.sessiongateway.security;

import java.util.HashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.sessiongateway.tracking.ClientLimits;
import dev.sessiongateway.tracking.SessionCaps;

/**
 * The caps configured under {@code gateway.clients[i].limits.<provider>}, by client name.
 */
@Component
class ConfiguredClientLimits implements ClientLimits {

	private final Map<String, Map<String, SessionCaps>> caps;

	ConfiguredClientLimits(ClientProperties properties) {
		Map<String, Map<String, SessionCaps>> caps = new HashMap<>();
		for (ClientProperties.Client client : properties.clients()) {
			Map<String, SessionCaps> own = client.caps();
			if (client.name() != null && !own.isEmpty()) {
				caps.put(client.name(), Map.copyOf(own));
			}
		}
		this.caps = Map.copyOf(caps);
	}

	@Override
	public Map<String, Map<String, SessionCaps>> caps() {
		return this.caps;
	}

}
