package dev.sessiongateway.security;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import dev.sessiongateway.events.EventTarget;
import dev.sessiongateway.events.EventTargets;
import dev.sessiongateway.tracking.EventSubscribers;

/**
 * The event URLs and secrets configured under {@code gateway.clients[i].events}, by
 * client name: where events are delivered, and so which clients tracking writes events
 * for.
 */
@Component
class ConfiguredEventTargets implements EventTargets, EventSubscribers {

	private final Map<String, EventTarget> targets;

	ConfiguredEventTargets(ClientProperties properties) {
		Map<String, EventTarget> targets = new HashMap<>();
		for (ClientProperties.Client client : properties.clients()) {
			EventTarget target = client.events().target();
			if (client.name() != null && target != null) {
				targets.put(client.name(), target);
			}
		}
		this.targets = Map.copyOf(targets);
	}

	@Override
	public @Nullable EventTarget target(String client) {
		return this.targets.get(client);
	}

	@Override
	public boolean any() {
		return !this.targets.isEmpty();
	}

	@Override
	public boolean subscribed(String client) {
		return this.targets.containsKey(client);
	}

}
