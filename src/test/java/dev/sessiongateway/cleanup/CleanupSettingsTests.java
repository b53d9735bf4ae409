package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.ProviderOutcome;
import dev.sessiongateway.tracking.ProviderSessions;
import dev.sessiongateway.tracking.TrackingProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Background settings are checked at start-up: against each other, and against the
 * providers' call budgets.
 */
class CleanupSettingsTests {

	private static TrackingProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("gateway.sessions",
				Bindable.of(TrackingProperties.class));
	}

	private static ProviderSessions<String> provider(String name, Duration longestCall) {
		return new ProviderSessions<>() {

			@Override
			public String provider() {
				return name;
			}

			@Override
			public ProviderOutcome<String> open(OpenIntent intent) {
				throw new UnsupportedOperationException();
			}

			@Override
			public ProviderOutcome<String> end(String scope, String sessionId) {
				throw new UnsupportedOperationException();
			}

			@Override
			public ProviderOutcome<String> status(String scope, String sessionId) {
				throw new UnsupportedOperationException();
			}

			@Override
			public Duration longestCall() {
				return longestCall;
			}

		};
	}

	@Test
	void theDefaultsFitTheDefaultProviderBudgets() {
		TrackingProperties defaults = bind(Map.of());
		assertThat(defaults.retention()).isEqualTo(Duration.ofDays(30));
		assertThat(defaults.worker().enabled()).isTrue();
		// pool wait 1s + connect 2s + read 10s, the providers' defaults
		CleanupConfiguration.check(defaults, Map.of("pathors", provider("pathors", Duration.ofSeconds(13))));
	}

	@Test
	void aMaximumAgeForAProviderTheGatewayDoesNotKnowIsRefused() {
		TrackingProperties settings = bind(Map.of("gateway.sessions.max-age.pathor", "1h"));
		assertThatIllegalStateException()
			.isThrownBy(() -> CleanupConfiguration.check(settings,
					Map.of("pathors", provider("pathors", Duration.ofSeconds(1)))))
			.withMessageContaining("gateway.sessions.max-age.pathor names no provider (known: pathors)");
	}

	@Test
	void anOpeningTimeoutOrLeaseShorterThanAProviderCallIsRefused() {
		TrackingProperties settings = bind(
				Map.of("gateway.sessions.opening-timeout", "20s", "gateway.sessions.worker.lease", "20s"));
		assertThatIllegalStateException().isThrownBy(
				() -> CleanupConfiguration.check(settings, Map.of("slow", provider("slow", Duration.ofSeconds(61)))))
			.withMessageContaining("gateway.sessions.opening-timeout (PT20S) must be at least")
			.withMessageContaining("gateway.sessions.worker.lease (PT20S) must be at least");
	}

	@Test
	void aVerificationWindowShorterThanAProviderCallIsRefused() {
		assertThat(bind(Map.of()).verifyAfter()).isEqualTo(Duration.ofMinutes(2));
		assertThatIllegalStateException()
			.isThrownBy(() -> CleanupConfiguration.check(bind(Map.of("gateway.sessions.verify-after", "30s")),
					Map.of("slow", provider("slow", Duration.ofSeconds(61)))))
			.withMessageContaining("gateway.sessions.verify-after (PT30S) must be at least");
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
		assertThatIllegalStateException()
			.isThrownBy(() -> CleanupConfiguration.check(settings,
					Map.of("pathors", provider("pathors", Duration.ofSeconds(1)))))
			.withMessageContaining(
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
