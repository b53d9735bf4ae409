package dev.sessiongateway.idempotency;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.annotation.Validated;

import dev.sessiongateway.tracking.ProviderSettings;
import dev.sessiongateway.tracking.TrackingProperties;

/**
 * Idempotent creates, under {@code gateway.idempotency}. Without a secret the gateway
 * keeps no keys: a create that sends one is refused rather than carried out without the
 * protection its caller asked for, and no answer is ever stored in the clear.
 *
 * @param window how long a key holds from its first use: a retry under it within the
 * window gets the first answer again; after it, the key and its answer are deleted and
 * the key may be used again
 * @param secret the key the stored answers are encrypted with is derived from this (an
 * answer may carry a session's token); none by default
 * @param required the providers at which a create without a key is refused
 */
@Validated
@ConfigurationProperties("gateway.idempotency")
record IdempotencyProperties(
		@DefaultValue("24h") @DurationMin(nanos = 1, message = "must be positive") @DurationMax(days = 30,
				message = "must be at most 30d") Duration window,
		@Nullable String secret, @DefaultValue Map<String, Boolean> required) implements SmartValidator {

	/** The shortest secret accepted. */
	static final int MIN_SECRET_LENGTH = 32;

	/** Whether keys are kept: a secret is set. */
	boolean enabled() {
		return this.secret != null && !this.secret.isBlank();
	}

	/** Whether a create at this provider must carry a key. */
	boolean requires(String provider) {
		return Boolean.TRUE.equals(this.required.get(provider));
	}

	@Override
	public boolean supports(Class<?> type) {
		return IdempotencyProperties.class.isAssignableFrom(type);
	}

	/**
	 * Reports a secret too short to derive a key from, and a key required where none can
	 * be kept, each under its property below {@code gateway.idempotency}.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		IdempotencyProperties settings = (IdempotencyProperties) target;
		String secret = settings.secret();
		if (secret != null && !secret.isBlank() && secret.strip().length() < MIN_SECRET_LENGTH) {
			errors.rejectValue("secret", "too-short", "must be at least " + MIN_SECRET_LENGTH
					+ " characters: a random value, such as what openssl rand -base64 32 prints");
		}
		settings.required().forEach((provider, required) -> {
			if (Boolean.TRUE.equals(required) && !settings.enabled()) {
				errors.rejectValue("required." + provider, "needs-secret", new Object[] { "secret" },
						"needs {0}: without it the gateway keeps no idempotency keys");
			}
		});
	}

	/**
	 * Also holds the settings to the providers and the sessions' settings among the
	 * hints: {@code required} must name a provider, and a key must outlive the longest
	 * time an open may take before it counts as abandoned, or a retry could open anew
	 * while the first is still in flight.
	 */
	@Override
	public void validate(Object target, Errors errors, Object... hints) {
		validate(target, errors);
		IdempotencyProperties settings = (IdempotencyProperties) target;
		List<String> providers = Stream.of(hints)
			.filter(ProviderSettings.class::isInstance)
			.map((hint) -> ((ProviderSettings) hint).provider())
			.sorted()
			.toList();
		if (!providers.isEmpty()) {
			for (String provider : settings.required().keySet()) {
				if (!providers.contains(provider)) {
					errors.rejectValue("required." + provider, "unknown-provider",
							"names no provider (known: " + String.join(", ", providers) + ")");
				}
			}
		}
		Stream.of(hints)
			.filter(TrackingProperties.class::isInstance)
			.map((hint) -> ((TrackingProperties) hint).openingTimeout())
			.filter((openingTimeout) -> settings.window().compareTo(openingTimeout) <= 0)
			.findFirst()
			.ifPresent((openingTimeout) -> errors.rejectValue("window", "shorter-than-opening",
					"(" + settings.window() + ") must be longer than gateway.sessions.opening-timeout "
							+ "(GATEWAY_SESSIONS_OPENING_TIMEOUT, " + openingTimeout
							+ "): a key must outlive the request that holds it"));
	}

}
