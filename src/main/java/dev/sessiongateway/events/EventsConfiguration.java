package dev.sessiongateway.events;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.tracking.EventOutbox;
import dev.sessiongateway.tracking.TrackingProperties;

/**
 * Event delivery: its HTTP client and its loop, which runs on a replica that runs
 * background work ({@code gateway.sessions.worker.enabled}) while any client has an event
 * URL.
 */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

	@Bean
	EventDelivery eventDelivery(EventOutbox outbox, EventTargets targets, EventsProperties settings, Clock clock,
			MeterRegistry registry, TrackingProperties tracking) {
		return new EventDelivery(outbox, targets, settings,
				new EventSender(settings.connectTimeout(), settings.readTimeout()), clock, new EventMeters(registry),
				tracking.worker().enabled() && targets.any());
	}

}
