package dev.sessiongateway.simulator;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedResource;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * What is configured beside the switch, as the switch sees it before it sets anything: a
 * setting counts when it is set to something not blank, by anything but the gateway's own
 * defaults (its packaged {@code application.yml}).
 */
final class ConfiguredSettings {

	private static final ConfigurationPropertyName PATHORS_PROJECTS = ConfigurationPropertyName
		.of("gateway.pathors.projects");

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("gateway.clients");

	private static final String SWITCH = "gateway.simulators.enabled (GATEWAY_SIMULATORS_ENABLED)";

	private ConfiguredSettings() {
	}

	/**
	 * What the switch refuses, one problem each: a provider URL or key configured with a
	 * value other than the switch's (any URL, when the simulators' own is not known yet),
	 * and every project's own Pathors key.
	 */
	static List<String> beside(ConfigurableEnvironment environment, Map<String, @Nullable String> providers) {
		Set<String> problems = new LinkedHashSet<>();
		providers.forEach((property, value) -> {
			Object configured = configuredValue(environment, ConfigurationPropertyName.of(property));
			if (configured != null && !configured.equals(value)) {
				problems.add(refusal(property));
			}
		});
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter(PATHORS_PROJECTS::isAncestorOf)
					.filter((name) -> isSet(source.getConfigurationProperty(name)))
					.map((name) -> name.getElement(PATHORS_PROJECTS.getNumberOfElements(),
							ConfigurationPropertyName.Form.ORIGINAL))
					.distinct()
					.forEach((project) -> problems.add(refusal(projectKey(project))));
			}
		}
		return List.copyOf(problems);
	}

	private static @Nullable Object configuredValue(ConfigurableEnvironment environment,
			ConfigurationPropertyName name) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (isSet(property)) {
				return property.getValue();
			}
		}
		return null;
	}

	/** Set to something not blank, and not by the gateway's own defaults. */
	private static boolean isSet(@Nullable ConfigurationProperty property) {
		return property != null && !String.valueOf(property.getValue()).isBlank() && !packaged(property.getOrigin());
	}

	private static boolean packaged(@Nullable Origin origin) {
		for (Origin each = origin; each != null; each = each.getParent()) {
			Origin found = (each instanceof PropertySourceOrigin lookup) ? lookup.getOrigin() : each;
			Resource resource = (found instanceof TextResourceOrigin text) ? text.getResource() : null;
			if (resource instanceof OriginTrackedResource tracked) {
				resource = tracked.getResource();
			}
			if (resource instanceof ClassPathResource classPath && classPath.getPath().equals("application.yml")) {
				return true;
			}
		}
		return false;
	}

	/** Whether any client is configured. */
	static boolean clients(ConfigurableEnvironment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.containsDescendantOf(CLIENTS) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	private static String refusal(String property) {
		return named(property) + " is set, and " + SWITCH + " runs the gateway against simulated providers with "
				+ "their demo keys: unset one or the other (value not shown)";
	}

	private static String projectKey(String project) {
		return project.matches("[a-z0-9-]+") ? "gateway.pathors.projects." + project + ".api-key"
				: "gateway.pathors.projects[" + project + "].api-key";
	}

	/** A property with the environment variable that sets it. */
	static String named(String property) {
		String variable = property.replaceAll("\\[([^\\]]+)\\]", "_$1")
			.replaceAll("[.\\-]", "_")
			.toUpperCase(Locale.ROOT);
		return property + " (" + variable + ")";
	}

}
