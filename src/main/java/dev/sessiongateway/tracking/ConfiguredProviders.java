package dev.sessiongateway.tracking;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The providers the gateway is configured with, by the name their rows carry.
 */
@Component
class ConfiguredProviders {

	private final Map<String, ProviderSessions<?>> byName;

	ConfiguredProviders(List<ProviderSessions<?>> providers) {
		this.byName = providers.stream().collect(Collectors.toMap(ProviderSessions::provider, Function.identity()));
	}

	Map<String, ProviderSessions<?>> byName() {
		return this.byName;
	}

	/** The provider of this name, or null when none is configured. */
	@Nullable ProviderSessions<?> find(String name) {
		return this.byName.get(name);
	}

}
