package dev.sessiongateway.web;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Describes the meter Spring MVC's observations make of every answered request, which
 * comes without a description (an empty {@code # HELP} line in Prometheus).
 */
@Configuration(proxyBeanMethods = false)
class ServerRequestMeters {

	static final String NAME = "http.server.requests";

	static final String DESCRIPTION = "Requests the gateway answered, by route template (uri), method, status and "
			+ "outcome, and how long they took";

	@Bean
	MeterFilter serverRequestsDescription() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				if (id.getDescription() != null || !id.getName().equals(NAME)) {
					return id;
				}
				return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), DESCRIPTION,
						id.getType());
			}

		};
	}

}
