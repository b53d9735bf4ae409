package dev.sessiongateway.events;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.sessiongateway.tracking.EventType;

/**
 * Event delivery attempts by event type and outcome ({@code delivered}, {@code failed}:
 * tried again later, {@code given_up}): every series made up front, so a scrape shows
 * zeros rather than nothing. No label names a client or an event.
 */
final class EventMeters {

	private final Map<EventType, Counter> delivered = new EnumMap<>(EventType.class);

	private final Map<EventType, Counter> failed = new EnumMap<>(EventType.class);

	private final Map<EventType, Counter> givenUp = new EnumMap<>(EventType.class);

	EventMeters(MeterRegistry registry) {
		for (EventType type : EventType.values()) {
			this.delivered.put(type, counter(registry, type, "delivered"));
			this.failed.put(type, counter(registry, type, "failed"));
			this.givenUp.put(type, counter(registry, type, "given_up"));
		}
	}

	private static Counter counter(MeterRegistry registry, EventType type, String outcome) {
		return Counter.builder("gateway.events.deliveries")
			.description("Event delivery attempts to callers' event URLs, by event type and outcome (failed: tried "
					+ "again later; given_up: not tried again)")
			.tag("type", type.wireName().toLowerCase(Locale.ROOT))
			.tag("outcome", outcome)
			.register(registry);
	}

	void delivered(EventType type) {
		this.delivered.get(type).increment();
	}

	void failed(EventType type) {
		this.failed.get(type).increment();
	}

	void givenUp(EventType type) {
		this.givenUp.get(type).increment();
	}

}
