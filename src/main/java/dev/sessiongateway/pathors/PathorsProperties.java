package dev.sessiongateway.pathors;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

import dev.sessiongateway.tracking.ProviderSettings;
import dev.sessiongateway.upstream.UpstreamSettings;

/**
 * Settings under {@code gateway.pathors}. Keys come from the environment.
 *
 * @param baseUrl the provider's endpoint
 * @param apiKey the developer key ({@code dk_...}) used for every project without its own
 * key
 * @param projects per-project keys, by project id
 * @param webhookSecret the shared secret Pathors sends with webhook deliveries
 * @param webhookMaxSkew how far after the gateway's own clock a webhook's
 * {@code timestamp} may lie: a later one is acknowledged, counted and ignored, since the
 * event time selects the session that ended and a time to come would select sessions
 * opened after the event (the default is the leeway JWT validators give, 60 s; earlier
 * times need no bound, as they only ever select an older session)
 * @param maxConnections calls in flight at once (the bulkhead and the pool): Pathors
 * documents no rate limit, so the default carries a slow provider at the gateway's full
 * rate (about 4,000 creates a second at 200 ms each need some 800)
 * @param endShare the fraction of {@code rateLimitPerMinute} (when one is set) only ends
 * may use: opens and reads never take it, so no flood of opens holds an end back
 */
@Validated
@ConfigurationProperties("gateway.pathors")
record PathorsProperties(
		@DefaultValue("https://api.pathors.com") @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?",
				message = "must be an http or https URL") String baseUrl,
		@NotBlank(message = "is missing: the Pathors developer key (dk_...)") @Pattern(
				regexp = UpstreamSettings.HEADER_SAFE, message = UpstreamSettings.HEADER_SAFE_MESSAGE) String apiKey,
		@DefaultValue Map<String, @Valid Project> projects,
		@Pattern(regexp = UpstreamSettings.HEADER_SAFE,
				message = UpstreamSettings.HEADER_SAFE_MESSAGE) @Nullable String webhookSecret,
		@DefaultValue("1m") @DurationMin(message = "must not be negative") Duration webhookMaxSkew,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration readTimeout,
		@DefaultValue("1024") @Min(1) int maxConnections, @DefaultValue("1s") Duration poolWait,
		@DefaultValue("0") @Min(0) int rateLimitPerMinute, @DefaultValue("1MB") DataSize maxResponseSize,
		@DefaultValue("5") int circuitFailureThreshold, @DefaultValue("10s") Duration circuitOpenFor,
		@DefaultValue("0.5") @DecimalMin(value = "0", inclusive = false,
				message = UpstreamSettings.END_SHARE_MESSAGE) @DecimalMax(value = "1", inclusive = false,
						message = UpstreamSettings.END_SHARE_MESSAGE) double endShare)
		implements
			ProviderSettings,
			Validator {

	/** A project with a key of its own. */
	record Project(@NotBlank(message = "is missing: a project entry needs its own key") @Pattern(
			regexp = UpstreamSettings.HEADER_SAFE, message = UpstreamSettings.HEADER_SAFE_MESSAGE) String apiKey) {
	}

	String keyFor(String projectId) {
		Project project = this.projects.get(projectId);
		return (project != null) ? project.apiKey() : this.apiKey;
	}

	/** Every credential held for Pathors. */
	List<String> secrets() {
		List<String> secrets = new ArrayList<>();
		secrets.add(this.apiKey);
		this.projects.values().forEach((project) -> secrets.add(project.apiKey()));
		if (this.webhookSecret != null) {
			secrets.add(this.webhookSecret);
		}
		return secrets;
	}

	@Override
	public String provider() {
		return PathorsSessions.PROVIDER;
	}

	/**
	 * The longest one call can take, as {@link UpstreamSettings#longestCall()}; read from
	 * the settings alone, so that it holds before the base URL is known to be valid.
	 */
	@Override
	public Duration longestCall() {
		return this.poolWait.plus(this.connectTimeout).plus(this.readTimeout);
	}

	@Override
	public boolean supports(Class<?> type) {
		return PathorsProperties.class.isAssignableFrom(type);
	}

	/** Reports an end share that leaves opens and reads no request of the budget. */
	@Override
	public void validate(Object target, Errors errors) {
		PathorsProperties settings = (PathorsProperties) target;
		UpstreamSettings.rejectEndShareLeavingNothing(settings.rateLimitPerMinute, settings.endShare, errors);
	}

	/**
	 * The outbound side's settings.
	 * @param clientShares each client's share of the budget for opens and reads
	 */
	UpstreamSettings upstream(Map<String, Double> clientShares) {
		return new UpstreamSettings("Pathors", URI.create(this.baseUrl), this.connectTimeout, this.readTimeout,
				this.maxConnections, this.poolWait, this.rateLimitPerMinute, this.maxResponseSize,
				this.circuitFailureThreshold, this.circuitOpenFor, this.endShare, clientShares);
	}

}
