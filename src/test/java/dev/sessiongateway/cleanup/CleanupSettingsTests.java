package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.validation.Errors;
import org.springframework.validation.MapBindingResult;

import dev.sessiongateway.tracking.ProviderSettings;
import dev.sessiongateway.tracking.TrackingProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background settings are checked at start-up: against each other, and against the
 * providers' call budgets.
 */
class CleanupSettingsTests {

	private static TrackingProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("gateway.sessions",
				Bindable.of(TrackingProperties.class));
	}

	private static ProviderSettings provider(String name, Duration longestCall) {
		return new ProviderSettings() {

			@Override
			public String provider() {
				return name;
			}

			@Override
			public Duration longestCall() {
				return longestCall;
			}

		};
	}

	/**
	 * What the settings' own check says, given these providers: each problem as the
	 * start-up report lists it, without the environment variables.
	 */
	private static String problems(TrackingProperties settings, ProviderSettings... providers) {
		Errors errors = new MapBindingResult(new HashMap<>(), "gateway.sessions");
		settings.validate(settings, errors, (Object[]) providers);
		return errors.getFieldErrors().stream().map((error) -> {
			String message = String.valueOf(error.getDefaultMessage());
			Object[] arguments = (error.getArguments() != null) ? error.getArguments() : new Object[0];
			for (int i = 0; i < arguments.length; i++) {
				message = message.replace("{" + i + "}", "gateway.sessions." + arguments[i]);
			}
			return "gateway.sessions." + error.getField() + " " + message;
		}).collect(Collectors.joining("\n"));
	}

	@Test
	void theDefaultsFitTheDefaultProviderBudgets() {
		TrackingProperties defaults = bind(Map.of());
		assertThat(defaults.retention()).isEqualTo(Duration.ofDays(30));
		assertThat(defaults.worker().enabled()).isTrue();
		// pool wait 1s + connect 2s + read 10s, the providers' defaults
		assertThat(problems(defaults, provider("pathors", Duration.ofSeconds(13)))).isEmpty();
	}

	@Test
	void aMaximumAgeForAProviderTheGatewayDoesNotKnowIsRefused() {
		TrackingProperties settings = bind(Map.of("gateway.sessions.max-age.pathor", "1h"));
		assertThat(problems(settings, provider("pathors", Duration.ofSeconds(1))))
			.contains("gateway.sessions.max-age.pathor names no provider (known: pathors)");
	}

	@Test
	void anOpeningTimeoutOrLeaseShorterThanAProviderCallIsRefused() {
		TrackingProperties settings = bind(
				Map.of("gateway.sessions.opening-timeout", "20s", "gateway.sessions.worker.lease", "20s"));
		assertThat(problems(settings, provider("slow", Duration.ofSeconds(61))))
			.contains("gateway.sessions.opening-timeout (PT20S) must be at least")
			.contains("gateway.sessions.worker.lease (PT20S) must be at least");
	}

	@Test
	void aVerificationWindowShorterThanAProviderCallIsRefused() {
		assertThat(bind(Map.of()).verifyAfter()).isEqualTo(Duration.ofMinutes(2));
		assertThat(problems(bind(Map.of("gateway.sessions.verify-after", "30s")),
				provider("slow", Duration.ofSeconds(61))))
			.contains("gateway.sessions.verify-after (PT30S) must be at least");
	}

	@Test
	void nonsenseDurationsAreRefusedWithTheirPropertyName() {
		assertThat(violations(Map.of("gateway.sessions.retention", "0s", "gateway.sessions.max-age.konpro", "-1h",
				"gateway.sessions.worker.lease", "0s", "gateway.sessions.reconcile.every", "-1m")))
			.containsExactlyInAnyOrder("retention must be positive", "maxAge[konpro].<map value> must be positive",
					"worker.lease must be positive", "reconcile.every must be positive");
		assertThat(violations(Map.of())).isEmpty();
	}

	@Test
	void aMinimumBackoffLongerThanTheMaximumIsRefused() {
		TrackingProperties settings = bind(
				Map.of("gateway.sessions.worker.min-backoff", "2m", "gateway.sessions.worker.max-backoff", "1m"));
		assertThat(problems(settings, provider("pathors", Duration.ofSeconds(1)))).contains(
				"gateway.sessions.worker.min-backoff must not be longer than gateway.sessions.worker.max-backoff");
	}

	private static List<String> violations(Map<String, String> properties) {
		try (var validation = jakarta.validation.Validation.buildDefaultValidatorFactory()) {
			return validation.getValidator()
				.validate(bind(properties))
				.stream()
				.map((violation) -> violation.getPropertyPath() + " " + violation.getMessage())
				.toList();
		}
	}

}
