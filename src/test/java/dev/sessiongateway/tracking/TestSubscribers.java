package dev.sessiongateway.tracking;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients a test gives an event URL; none at first.
 */
class TestSubscribers implements EventSubscribers {

	private final Set<String> clients = ConcurrentHashMap.newKeySet();

	TestSubscribers add(String client) {
		this.clients.add(client);
		return this;
	}

	void clear() {
		this.clients.clear();
	}

	@Override
	public boolean subscribed(String client) {
		return this.clients.contains(client);
	}

}
