package dev.sessiongateway.tracking;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Observes the ledger's commits of an open or an end (its intent, its outcome): with
 * tracing on, each is a {@code ledger commit} span of the trace it is part of, named by
 * the commit, the provider and how it came out ({@code committed}, {@code refused} when
 * the ledger turned the change down, {@code unavailable} when it could not be written).
 */
final class LedgerSpans {

	/** The observation of one commit. */
	static final String NAME = "gateway.ledger.commit";

	static final String OPEN_INTENT = "open-intent";

	static final String OPEN_OUTCOME = "open-outcome";

	static final String END_INTENT = "end-intent";

	static final String END_OUTCOME = "end-outcome";

	private final ObservationRegistry observations;

	LedgerSpans(ObjectProvider<ObservationRegistry> observations) {
		this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
	}

	/** Runs one commit of the ledger, observed as {@code commit} for {@code provider}. */
	<T> T commit(String commit, String provider, Supplier<T> work) {
		Observation observation = Observation.createNotStarted(NAME, this.observations)
			.contextualName("ledger commit")
			.lowCardinalityKeyValue("commit", commit)
			.lowCardinalityKeyValue("provider", provider)
			.start();
		String outcome = "refused";
		try (Observation.Scope scope = observation.openScope()) {
			T result = work.get();
			outcome = "committed";
			return result;
		}
		catch (TrackingUnavailableException ex) {
			outcome = "unavailable";
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome).stop();
		}
	}

	/** Runs one commit of the ledger that returns nothing. */
	void commit(String commit, String provider, Runnable work) {
		commit(commit, provider, () -> {
			work.run();
			return Boolean.TRUE;
		});
	}

}
