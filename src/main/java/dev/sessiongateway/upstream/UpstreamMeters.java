package dev.sessiongateway.upstream;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;

/**
 * One provider's outbound meters, built once and kept, so that a call costs a map lookup
 * and a recording: the latency of every call by operation and outcome (a few SLO buckets,
 * no percentiles), calls held back by the gateway's own limits or the circuit, answers
 * withheld from the caller, and answers that announce a deprecation.
 */
final class UpstreamMeters {

	/** The latency buckets: enough for an SLO alert, few enough for a cheap scrape. */
	static final Duration[] BUCKETS = { Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5) };

	private static final UpstreamException.Kind[] KINDS = UpstreamException.Kind.values();

	/** The outcome tags: an answer (success, client_error) or a failure kind. */
	private static final String[] OUTCOMES = new String[2 + KINDS.length];

	static {
		OUTCOMES[0] = "success";
		OUTCOMES[1] = "client_error";
		for (UpstreamException.Kind kind : KINDS) {
			OUTCOMES[2 + kind.ordinal()] = kind.name().toLowerCase(Locale.ROOT);
		}
	}

	/** The outcome of a call that failed in a way no other outcome names. */
	static final String FAILED = "failed";

	private static final Logger log = LoggerFactory.getLogger(UpstreamMeters.class);

	/** The outcome tag of a call the provider answered. */
	static String outcome(UpstreamResponse response) {
		return OUTCOMES[response.isSuccess() ? 0 : 1];
	}

	/** The outcome tag of a call that failed this way. */
	static String outcome(UpstreamException.Kind kind) {
		return OUTCOMES[2 + kind.ordinal()];
	}

	/** At most one deprecation warning a minute. */
	private static final long DEPRECATION_WARNING_INTERVAL = TimeUnit.MINUTES.toNanos(1);

	private final MeterRegistry registry;

	/** The provider's display name, as log lines name it. */
	private final String name;

	/** The provider's tag. */
	private final String provider;

	private final AtomicLong lastDeprecationWarning = new AtomicLong();

	private final Counter limited;

	private final Counter circuitRefused;

	private final Counter withheld;

	private final ConcurrentMap<String, Operation> operations = new ConcurrentHashMap<>();

	UpstreamMeters(MeterRegistry registry, String name) {
		this.registry = registry;
		this.name = name;
		String provider = name.toLowerCase(Locale.ROOT);
		this.provider = provider;
		this.limited = Counter.builder("gateway.upstream.limited")
			.description("Provider calls held back by the gateway's own request budget or connection limit")
			.tag("provider", provider)
			.register(registry);
		this.circuitRefused = Counter.builder("gateway.upstream.circuit.refused")
			.description("Provider calls not made because the provider's circuit is open")
			.tag("provider", provider)
			.register(registry);
		this.withheld = Counter.builder("gateway.upstream.withheld")
			.description("Provider answers whose body was not passed on (it named a credential, or was not JSON)")
			.tag("provider", provider)
			.register(registry);
	}

	Operation operation(String name) {
		return this.operations.computeIfAbsent(name, Operation::new);
	}

	void limited() {
		this.limited.increment();
	}

	/**
	 * Counts a call the request budget held back, by the kind of call and the part of the
	 * budget that had no request left.
	 */
	void held(RequestBudget.Draw draw, RequestBudget.Part part) {
		Counter.builder("gateway.upstream.budget.held")
			.description("Provider calls held back by the gateway's request budget, by kind of call and by the part "
					+ "of the budget that had no request left")
			.tag("provider", this.provider)
			.tag("call", draw.kind().name().toLowerCase(Locale.ROOT))
			.tag("part", part.tag())
			.register(this.registry)
			.increment();
	}

	void circuitRefused() {
		this.circuitRefused.increment();
	}

	void withheld() {
		this.withheld.increment();
	}

	/**
	 * Counts an answer that announces a deprecation ({@code Deprecation} or
	 * {@code Sunset}), and warns about it at most once a minute.
	 */
	void noticeDeprecation(Operation operation, HttpHeaders headers) {
		String deprecation = headers.getFirst("Deprecation");
		String sunset = headers.getFirst("Sunset");
		if (deprecation == null && sunset == null) {
			return;
		}
		operation.deprecated();
		long now = System.nanoTime();
		long last = this.lastDeprecationWarning.get();
		if ((last == 0 || now - last > DEPRECATION_WARNING_INTERVAL)
				&& this.lastDeprecationWarning.compareAndSet(last, now)) {
			log.warn("{} marks an API the gateway uses ({}) as deprecated (Deprecation: {}, Sunset: {})", this.name,
					operation.name(), printable(deprecation), printable(sunset));
		}
	}

	private static @Nullable String printable(@Nullable String value) {
		return (value != null) ? value.replaceAll("[^\\x20-\\x7e]", "?") : null;
	}

	/** The meters of one operation (create, end, get...). */
	final class Operation {

		private final String name;

		private final AtomicReferenceArray<Timer> calls = new AtomicReferenceArray<>(OUTCOMES.length);

		private volatile @Nullable Counter deprecations;

		private Operation(String name) {
			this.name = name;
		}

		String name() {
			return this.name;
		}

		/** Records a call the provider answered (2xx, or a 4xx about the request). */
		void answered(UpstreamResponse response, long startedNanos) {
			record(response.isSuccess() ? 0 : 1, startedNanos);
		}

		/** Records a call that failed this way. */
		void failed(UpstreamException.Kind kind, long startedNanos) {
			record(2 + kind.ordinal(), startedNanos);
		}

		private void record(int outcome, long startedNanos) {
			Timer timer = this.calls.get(outcome);
			if (timer == null) {
				timer = Timer.builder("gateway.upstream.calls")
					.description("Provider calls by operation and outcome, and how long they took")
					.tags("provider", UpstreamMeters.this.provider, "operation", this.name, "outcome",
							OUTCOMES[outcome])
					.serviceLevelObjectives(BUCKETS)
					.register(UpstreamMeters.this.registry);
				this.calls.set(outcome, timer);
			}
			timer.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
		}

		private void deprecated() {
			Counter counter = this.deprecations;
			if (counter == null) {
				counter = Counter.builder("gateway.upstream.deprecation.notices")
					.description("Provider answers carrying a Deprecation or Sunset header")
					.tags("provider", UpstreamMeters.this.provider, "operation", this.name)
					.register(UpstreamMeters.this.registry);
				this.deprecations = counter;
			}
			counter.increment();
		}

	}

}
