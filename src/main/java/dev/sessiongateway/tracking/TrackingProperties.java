package dev.sessiongateway.tracking;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.SmartValidator;
import org.springframework.validation.annotation.Validated;

/**
 * The sessions' settings under {@code gateway.sessions}: how tracking ends and verifies
 * them, and the background work that looks after them. Besides its constraints, it holds
 * its settings to each other and, when given the providers' settings, to the providers'
 * call budgets.
 *
 * @param endDeadline how long an end may keep failing before it is flagged for a human
 * (it keeps being tried)
 * @param verifyAfter how long after a create whose outcome is unknown began its provider
 * may still be finishing it: the compensating end is verified (the provider is asked
 * again whether the session exists) only once this has passed, and the row holds the
 * session id until then
 * @param maxAge the longest an ACTIVE session of each provider lives before the gateway
 * ends it (reason EXPIRED_TTL); a provider not named has no maximum age
 * @param retention how long ENDED, FAILED and EXPIRED history is kept
 * @param openingTimeout when an OPENING row counts as abandoned by a stopped gateway;
 * must be longer than any provider call can take
 * @param worker the end worker and the scans
 * @param reconcile asking the providers about ACTIVE sessions
 */
@Validated
@ConfigurationProperties("gateway.sessions")
public record TrackingProperties(@DefaultValue("1h") @PositiveDuration Duration endDeadline,
		@DefaultValue("2m") @PositiveDuration Duration verifyAfter,
		@DefaultValue Map<String, @NotNull @PositiveDuration Duration> maxAge,
		@DefaultValue("30d") @PositiveDuration Duration retention,
		@DefaultValue("2m") @PositiveDuration Duration openingTimeout, @DefaultValue @Valid Worker worker,
		@DefaultValue @Valid Reconcile reconcile) implements SmartValidator {

	/** Slack on top of the longest provider call before a row counts as abandoned. */
	static final Duration SLACK = Duration.ofSeconds(10);

	@Override
	public boolean supports(Class<?> type) {
		return TrackingProperties.class.isAssignableFrom(type);
	}

	/**
	 * Reports settings that contradict each other, each under its property below
	 * {@code gateway.sessions}.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		Worker worker = ((TrackingProperties) target).worker();
		if (worker.minBackoff().compareTo(worker.maxBackoff()) > 0) {
			errors.rejectValue("worker.min-backoff", "longer-than-maximum", new Object[] { "worker.max-backoff" },
					"must not be longer than {0}");
		}
	}

	/**
	 * Also holds the settings to the providers whose {@link ProviderSettings} are among
	 * the hints: a maximum age must name one of them, and no background work may act on a
	 * row whose provider call may still be in flight.
	 */
	@Override
	public void validate(Object target, Errors errors, Object... hints) {
		validate(target, errors);
		List<ProviderSettings> providers = Stream.of(hints)
			.filter(ProviderSettings.class::isInstance)
			.map(ProviderSettings.class::cast)
			.toList();
		if (!providers.isEmpty()) {
			fitProviders((TrackingProperties) target, providers, errors);
		}
	}

	private static void fitProviders(TrackingProperties settings, List<ProviderSettings> providers, Errors errors) {
		List<String> names = providers.stream().map(ProviderSettings::provider).sorted().toList();
		for (String provider : settings.maxAge().keySet()) {
			if (!names.contains(provider)) {
				errors.rejectValue("max-age." + provider, "unknown-provider",
						"names no provider (known: " + String.join(", ", names) + ")");
			}
		}
		Duration longest = providers.stream()
			.map(ProviderSettings::longestCall)
			.max(Duration::compareTo)
			.orElse(Duration.ZERO)
			.plus(SLACK);
		atLeast("opening-timeout", settings.openingTimeout(), longest, errors);
		atLeast("worker.lease", settings.worker().lease(), longest, errors);
		atLeast("verify-after", settings.verifyAfter(), longest, errors);
	}

	private static void atLeast(String property, Duration value, Duration longest, Errors errors) {
		if (value.compareTo(longest) < 0) {
			errors.rejectValue(property, "shorter-than-provider-calls",
					"(" + value + ") must be at least the longest provider call (pool wait + connect + read timeout) "
							+ "plus " + SLACK.toSeconds() + "s: " + longest);
		}
	}

	/** A duration that must be longer than zero. */
	@DurationMin(nanos = 1, message = "must be positive")
	@Target({ ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD, ElementType.TYPE_USE })
	@Retention(RetentionPolicy.RUNTIME)
	@Constraint(validatedBy = {})
	@ReportAsSingleViolation
	@interface PositiveDuration {

		String message() default "must be positive";

		Class<?>[] groups() default {};

		Class<? extends Payload>[] payload() default {};

	}

	/**
	 * @param enabled whether this replica runs background work at all
	 * @param batch how many due ends one claim takes
	 * @param concurrency how many end calls one replica makes at once
	 * @param lease how long a claimed row is left to its replica before another may take
	 * it; must be longer than any provider call can take
	 * @param pollInterval how often an idle worker looks for due ends
	 * @param minBackoff the delay cap after the first failed attempt (doubled per
	 * attempt)
	 * @param maxBackoff the longest delay between attempts (a provider's Retry-After may
	 * be longer)
	 * @param scanInterval how often abandoned opens, maximum ages and expiries are looked
	 * for
	 * @param scanBatch the most rows one scan changes per round
	 * @param purgeInterval how often ended history past its retention is purged
	 * @param purgeBatch the most rows of each status one purge deletes per transaction
	 */
	public record Worker(@DefaultValue("true") boolean enabled, @DefaultValue("20") @Min(1) @Max(1000) int batch,
			@DefaultValue("8") @Min(1) @Max(256) int concurrency, @DefaultValue("2m") @PositiveDuration Duration lease,
			@DefaultValue("1s") @PositiveDuration Duration pollInterval,
			@DefaultValue("1s") @PositiveDuration Duration minBackoff,
			@DefaultValue("60s") @PositiveDuration Duration maxBackoff,
			@DefaultValue("15s") @PositiveDuration Duration scanInterval,
			@DefaultValue("100") @Min(1) @Max(10000) int scanBatch,
			@DefaultValue("10m") @PositiveDuration Duration purgeInterval,
			@DefaultValue("500") @Min(1) @Max(10000) int purgeBatch) {

	}

	/**
	 * @param enabled whether ACTIVE sessions are checked with their provider
	 * @param interval how often a round runs
	 * @param batch the most sessions one round asks about (each is one provider call
	 * taken from the provider's request budget)
	 * @param every how long a session goes unchecked before it is asked about again
	 */
	public record Reconcile(@DefaultValue("true") boolean enabled,
			@DefaultValue("1m") @PositiveDuration Duration interval, @DefaultValue("10") @Min(1) @Max(1000) int batch,
			@DefaultValue("1h") @PositiveDuration Duration every) {

	}

}
