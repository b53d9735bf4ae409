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
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
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
 * ({@code resilience4j.circuitbreaker.*}, {@code resilience4j.bulkhead.*}). The wait for
 * a place in the bulkhead (a connection of the pool: the bulkhead holds as many calls as
 * the pool has connections) is observed as {@code provider wait}.
 */
final class ProviderGuards {

	private static final Logger log = LoggerFactory.getLogger(ProviderGuards.class);

	private final UpstreamSettings settings;

	private final Bulkhead bulkhead;

	private final @Nullable CircuitBreaker circuit;

	private final ObservationRegistry observations;

	/** The provider's tag, as spans and meters name it. */
	private final String provider;

	ProviderGuards(UpstreamSettings settings, MeterRegistry meters, ObservationRegistry observations) {
		this.settings = settings;
		this.observations = observations;
		String name = settings.name().toLowerCase(java.util.Locale.ROOT);
		this.provider = name;
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
	 * @param operation what the call does, as the wait's span names it
	 * @throws UpstreamException CIRCUIT_OPEN or LOCAL_LIMIT when a guard holds it back,
	 * or the call's own failure
	 */
	UpstreamResponse call(String operation, Supplier<UpstreamResponse> call) {
		Supplier<UpstreamResponse> guarded = (this.circuit != null)
				? CircuitBreaker.decorateSupplier(this.circuit, call) : call;
		waitForPlace(operation);
		try {
			return guarded.get();
		}
		catch (CallNotPermittedException ex) {
			throw new UpstreamException(UpstreamException.Kind.CIRCUIT_OPEN,
					this.settings.name() + " kept failing; the gateway pauses calls to it.",
					Math.max(1, this.settings.circuitOpenFor().toSeconds()));
		}
		finally {
			this.bulkhead.onComplete();
		}
	}

	/**
	 * Takes a place in the bulkhead, waiting at most {@code poolWait}.
	 * @throws UpstreamException LOCAL_LIMIT when none came free in time
	 */
	private void waitForPlace(String operation) {
		Observation wait = UpstreamSpans.wait(this.observations, this.provider, operation).start();
		try {
			this.bulkhead.acquirePermission();
			wait.lowCardinalityKeyValue(UpstreamSpans.OUTCOME, "acquired");
		}
		catch (BulkheadFullException ex) {
			wait.lowCardinalityKeyValue(UpstreamSpans.OUTCOME, "busy");
			throw new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"All connections to " + this.settings.name() + " are busy.", 1L);
		}
		finally {
			wait.stop();
		}
	}

}
