package dev.sessiongateway.cleanup;

import java.util.UUID;
import java.util.function.IntSupplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.MDC;

/**
 * Gives every unit of background work (one end attempt, one round of a periodic job) a
 * request id of its own, prefixed {@code bg-}: its log lines show it, and the provider
 * calls it makes carry it, as a request's do. Each unit is observed as
 * {@code background}, with no parent: with tracing on, it starts a trace of its own,
 * named by its work and how it came out.
 */
final class BackgroundIds {

	/** The log context key of request ids, the one the log pattern shows. */
	static final String MDC_KEY = "requestId";

	/** The observation of one unit of background work. */
	static final String OBSERVATION = "gateway.background";

	private final ObservationRegistry observations;

	BackgroundIds(ObservationRegistry observations) {
		this.observations = observations;
	}

	void run(String work, Runnable unit) {
		call(work, () -> {
			unit.run();
			return 0;
		});
	}

	/**
	 * Runs one unit of background work.
	 * @param work what the unit does ({@code end-attempt}, {@code expiry}...), as its
	 * trace names it
	 */
	int call(String work, IntSupplier unit) {
		MDC.put(MDC_KEY, "bg-" + UUID.randomUUID());
		Observation observation = Observation.createNotStarted(OBSERVATION, this.observations)
			.contextualName("background " + work)
			.lowCardinalityKeyValue("work", work)
			.parentObservation(null)
			.start();
		String outcome = "failed";
		try (Observation.Scope scope = observation.openScope()) {
			int done = unit.getAsInt();
			outcome = "done";
			return done;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome).stop();
			MDC.remove(MDC_KEY);
		}
	}

}
