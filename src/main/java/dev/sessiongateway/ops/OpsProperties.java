package dev.sessiongateway.ops;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The ops views' settings under {@code gateway.ops}.
 *
 * @param statsMaxAge how old the counts of {@code GET /ops/sessions/stats} may be before
 * the next call counts again (0: every call counts); while one call counts, others are
 * answered with the previous counts if those are at most twice this old
 */
@Validated
@ConfigurationProperties("gateway.ops")
record OpsProperties(@DefaultValue("2s") @DurationMin(message = "must not be negative") Duration statsMaxAge) {

}
