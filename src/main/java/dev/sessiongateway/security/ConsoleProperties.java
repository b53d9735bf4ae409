package dev.sessiongateway.security;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ops console's sign-ins, under {@code gateway.console}.
 *
 * @param idleTimeout a sign-in not used for this long has ended
 * @param lifetime a sign-in ends this long after it was made, however much it is used
 * @param signInLimit how many sign-ins may fail before more attempts are refused
 */
@Validated
@ConfigurationProperties("gateway.console")
record ConsoleProperties(
		@DefaultValue("30m") @DurationMin(nanos = 1, message = "must be positive") Duration idleTimeout,
		@DefaultValue("12h") @DurationMin(nanos = 1, message = "must be positive") Duration lifetime,
		@DefaultValue @Valid SignInLimit signInLimit) {

	/**
	 * Sign-ins that may fail before more attempts are refused (429) without the key being
	 * looked at. Every attempt takes one from its source's allowance and from the overall
	 * one; a successful sign-in gives it back. The allowances refill evenly over the
	 * period.
	 *
	 * @param perSource failed sign-ins one source (a client address as the gateway sees
	 * it; one IPv6 /64 network) may make per period
	 * @param overall failed sign-ins all sources together may make per period
	 * @param period the period of both allowances, and how often the failures are logged
	 * (one line per source)
	 * @param maxSources the most sources remembered at once; the least recently seen is
	 * forgotten first
	 */
	record SignInLimit(@DefaultValue("10") @Min(1) @Max(1_000_000) int perSource,
			@DefaultValue("100") @Min(1) @Max(1_000_000) int overall,
			@DefaultValue("1m") @DurationMin(seconds = 1, message = "must be at least 1s") @DurationMax(days = 1,
					message = "must be at most 1d") Duration period,
			@DefaultValue("10000") @Min(1) @Max(1_000_000) int maxSources) {

	}

}
