package dev.sessiongateway.konpro;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

import dev.sessiongateway.tracking.ProviderSettings;
import dev.sessiongateway.upstream.UpstreamSettings;

/**
 * Settings under {@code gateway.konpro}. The key comes from the environment.
 *
 * @param baseUrl the provider's endpoint
 * @param apiKey the account's API key, sent as {@code x-api-key}
 * @param account the scope name recorded on Konpro sessions
 * @param rateLimitPerMinute the plan's request budget (Konpro sends no rate-limit
 * headers)
 * @param endShare the fraction of that budget only ends may use: opens and reads never
 * take it, so no flood of opens holds an end back
 */
@Validated
@ConfigurationProperties("gateway.konpro")
record KonproProperties(
		@DefaultValue("https://api.konpro.ai") @Pattern(regexp = "https?://[^\\s/?#]+(/[^\\s?#]*)?",
				message = "must be an http or https URL") String baseUrl,
		@NotBlank(message = "is missing: the Konpro API key") @Pattern(regexp = UpstreamSettings.HEADER_SAFE,
				message = UpstreamSettings.HEADER_SAFE_MESSAGE) String apiKey,
		@DefaultValue("default") @NotBlank @Size(max = 128) String account, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("10s") Duration readTimeout, @DefaultValue("64") @Min(1) int maxConnections,
		@DefaultValue("1s") Duration poolWait, @DefaultValue("60") @Min(0) int rateLimitPerMinute,
		@DefaultValue("1MB") DataSize maxResponseSize, @DefaultValue("5") int circuitFailureThreshold,
		@DefaultValue("10s") Duration circuitOpenFor,
		@DefaultValue("0.5") @DecimalMin(value = "0", inclusive = false,
				message = UpstreamSettings.END_SHARE_MESSAGE) @DecimalMax(value = "1", inclusive = false,
						message = UpstreamSettings.END_SHARE_MESSAGE) double endShare)
		implements
			ProviderSettings,
			Validator {

	@Override
	public String provider() {
		return KonproSessions.PROVIDER;
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
		return KonproProperties.class.isAssignableFrom(type);
	}

	/** Reports an end share that leaves opens and reads no request of the budget. */
	@Override
	public void validate(Object target, Errors errors) {
		KonproProperties settings = (KonproProperties) target;
		UpstreamSettings.rejectEndShareLeavingNothing(settings.rateLimitPerMinute, settings.endShare, errors);
	}

	/**
	 * The outbound side's settings.
	 * @param clientShares each client's share of the budget for opens and reads
	 */
	UpstreamSettings upstream(Map<String, Double> clientShares) {
		return new UpstreamSettings("Konpro", URI.create(this.baseUrl), this.connectTimeout, this.readTimeout,
				this.maxConnections, this.poolWait, this.rateLimitPerMinute, this.maxResponseSize,
				this.circuitFailureThreshold, this.circuitOpenFor, this.endShare, clientShares);
	}

}
