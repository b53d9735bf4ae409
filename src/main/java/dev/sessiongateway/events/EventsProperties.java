package dev.sessiongateway.events;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * How events are delivered, under {@code gateway.events}.
 *
 * @param allowedHosts the hosts event URLs may name: a host name
 * ({@code hooks.example.com}, any case), an IP address, or {@code *.example.com} for any
 * host below that domain (not the domain itself); none by default, so no event URL is
 * accepted until its host is listed
 * @param connectTimeout how long a delivery may take to connect
 * @param readTimeout how long a receiver may take to answer
 * @param concurrency the most deliveries one replica makes at once
 * @param batch how many due events one claim takes
 * @param pollInterval how often an idle replica looks for due events
 * @param minBackoff the delay cap after the first failed attempt (doubled per attempt)
 * @param maxBackoff the longest delay between attempts (a receiver's Retry-After too)
 * @param giveUpAfter how long after the change it tells of an event is still tried: the
 * first attempt to fail after that gives it up
 * @param retention how long delivered and given-up events are kept
 */
@Validated
@ConfigurationProperties("gateway.events")
record EventsProperties(@DefaultValue List<String> allowedHosts,
		@DefaultValue("2s") @DurationMin(millis = 1, message = "must be positive") Duration connectTimeout,
		@DefaultValue("10s") @DurationMin(millis = 1, message = "must be positive") Duration readTimeout,
		@DefaultValue("8") @Min(1) @Max(256) int concurrency, @DefaultValue("20") @Min(1) @Max(1000) int batch,
		@DefaultValue("1s") @DurationMin(millis = 1, message = "must be positive") Duration pollInterval,
		@DefaultValue("5s") @DurationMin(millis = 1, message = "must be positive") Duration minBackoff,
		@DefaultValue("1h") @DurationMin(millis = 1, message = "must be positive") Duration maxBackoff,
		@DefaultValue("24h") @DurationMin(millis = 1, message = "must be positive") Duration giveUpAfter,
		@DefaultValue("7d") @DurationMin(millis = 1, message = "must be positive") Duration retention)
		implements
			EventHosts,
			Validator {

	/** Slack on top of a delivery's timeouts before its claim runs out. */
	static final Duration CLAIM_SLACK = Duration.ofSeconds(10);

	private static final Pattern HOST = Pattern
		.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\]");

	EventsProperties {
		allowedHosts = allowedHosts.stream().map((host) -> host.strip().toLowerCase(Locale.ROOT)).toList();
	}

	@Override
	public boolean allows(String host) {
		String name = host.toLowerCase(Locale.ROOT);
		for (String allowed : this.allowedHosts) {
			if (allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How long a claimed event is left to its replica: a delivery's timeouts and some
	 * slack, after which another replica may try it again.
	 */
	Duration claimLease() {
		return this.connectTimeout.plus(this.readTimeout).plus(CLAIM_SLACK);
	}

	@Override
	public boolean supports(Class<?> type) {
		return EventsProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		EventsProperties settings = (EventsProperties) target;
		for (int i = 0; i < settings.allowedHosts().size(); i++) {
			if (!HOST.matcher(settings.allowedHosts().get(i)).matches()) {
				errors.rejectValue("allowed-hosts[" + i + "]", "not-a-host",
						"must be a host name such as hooks.example.com, an IP address, or *.example.com "
								+ "(no scheme, port or path; value not shown)");
			}
		}
		if (settings.minBackoff().compareTo(settings.maxBackoff()) > 0) {
			errors.rejectValue("min-backoff", "longer-than-maximum", new Object[] { "max-backoff" },
					"must not be longer than {0}");
		}
	}

}
