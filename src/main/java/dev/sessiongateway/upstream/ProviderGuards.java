package dev.sessiongateway.upstream;

import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Resilience4j guards around one provider's calls: a bulkhead capping the calls in
 * flight at the pool size, and a circuit breaker that pauses calls after
 * {@code circuitFailureThreshold} provider failures in a row, then lets one trial call
 * decide. Only provider failures count: the gateway's own limits, the provider's rate
 * limit and refused credentials are ignored, and answers about the caller's request are
 * successes. Their state is published as Micrometer meters
 * ({@code resilience4j.circuitbreaker.*}, {@code resilience4j.bulkhead.*}).
 */
final class ProviderGuards {

	private static final Logger log = LoggerFactory.getLogger(ProviderGuards.class);

	private final UpstreamSettings settings;

	private final Bulkhead bulkhead;

	private final @Nullable CircuitBreaker circuit;

	ProviderGuards(UpstreamSettings settings, MeterRegistry meters) {
		this.settings = settings;
		String name = settings.name().toLowerCase(java.util.Locale.ROOT);
		BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
			.maxConcurrentCalls(settings.maxConnections())
			.maxWaitDuration(settings.poolWait())
			.build());
		this.bulkhead = bulkheads.bulkhead(name);
		TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
		if (settings.circuitFailureThreshold() > 0) {
			CircuitBreakerRegistry circuits = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
				.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
				.slidingWindowSize(settings.circuitFailureThreshold())
				.minimumNumberOfCalls(settings.circuitFailureThreshold())
				.failureRateThreshold(100)
				.waitDurationInOpenState(settings.circuitOpenFor())
				.permittedNumberOfCallsInHalfOpenState(1)
				.ignoreException(ProviderGuards::ignored)
				.build());
			this.circuit = circuits.circuitBreaker(name);
			this.circuit.getEventPublisher()
				.onStateTransition(
						(event) -> log.warn("{} circuit {}", settings.name(), event.getStateTransition().getToState()));
			TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(circuits).bindTo(meters);
		}
		else {
			this.circuit = null;
		}
	}

	/** Outcomes that say nothing about the provider's health. */
	private static boolean ignored(Throwable failure) {
		return failure instanceof UpstreamException upstream && !upstream.isProviderFailure();
	}

	/**
	 * Runs one call inside the guards.
	 * @throws UpstreamException CIRCUIT_OPEN or LOCAL_LIMIT when a guard holds it back,
	 * or the call's own failure
	 */
	UpstreamResponse call(Supplier<UpstreamResponse> call) {
		Supplier<UpstreamResponse> guarded = (this.circuit != null)
				? CircuitBreaker.decorateSupplier(this.circuit, call) : call;
		try {
			return Bulkhead.decorateSupplier(this.bulkhead, guarded).get();
		}
		catch (CallNotPermittedException ex) {
			throw new UpstreamException(UpstreamException.Kind.CIRCUIT_OPEN,
					this.settings.name() + " kept failing; the gateway pauses calls to it.",
					Math.max(1, this.settings.circuitOpenFor().toSeconds()));
		}
		catch (BulkheadFullException ex) {
			throw new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"All connections to " + this.settings.name() + " are busy.", 1L);
		}
	}

}
