package dev.sessiongateway.tracking;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ledger's settings under {@code gateway.sessions}.
 *
 * @param endDeadline how long an end may keep failing before it is flagged for a human
 * (it keeps being tried)
 * @param verifyAfter how long after a create whose outcome is unknown began its provider
 * may still be finishing it: the compensating end is verified (the provider is asked
 * again whether the session exists) only once this has passed, and the row holds the
 * session id until then
 */
@Validated
@ConfigurationProperties("gateway.sessions")
public record TrackingProperties(
		@DefaultValue("1h") @DurationMin(nanos = 1, message = "must be positive") Duration endDeadline,
		@DefaultValue("2m") @DurationMin(nanos = 1, message = "must be positive") Duration verifyAfter) {

}
