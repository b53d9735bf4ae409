package dev.sessiongateway.tracking;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client caps a test sets as it needs them; none at first.
 */
class TestLimits implements ClientLimits {

	private final Map<String, Map<String, SessionCaps>> caps = new ConcurrentHashMap<>();

	/** Gives the client these caps at the provider. */
	TestLimits set(String client, String provider, SessionCaps caps) {
		this.caps.computeIfAbsent(client, (name) -> new ConcurrentHashMap<>()).put(provider, caps);
		return this;
	}

	void clear() {
		this.caps.clear();
	}

	@Override
	public Map<String, Map<String, SessionCaps>> caps() {
		return this.caps;
	}

}
