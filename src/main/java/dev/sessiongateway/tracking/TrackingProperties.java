package dev.sessiongateway.tracking;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code gateway.sessions}.
 *
 * @param inlineEndAttempts how many times an end is tried while the caller waits
 * @param inlineEndBackoff the pause between those tries
 * @param retryBackoff the delay before background work tries a pending end again
 */
@Validated
@ConfigurationProperties("gateway.sessions")
public record TrackingProperties(@DefaultValue("2") @Min(1) @Max(5) int inlineEndAttempts,
		@DefaultValue("200ms") Duration inlineEndBackoff, @DefaultValue("5s") Duration retryBackoff) {

}
