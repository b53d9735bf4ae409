package dev.sessiongateway.tracking;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings under {@code gateway.sessions}.
 *
 * @param retryBackoff the delay before background work tries a pending end again
 */
@Validated
@ConfigurationProperties("gateway.sessions")
public record TrackingProperties(@DefaultValue("5s") Duration retryBackoff) {

}
