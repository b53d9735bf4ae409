package dev.sessiongateway.cleanup;

import java.util.UUID;
import java.util.function.IntSupplier;

import org.slf4j.MDC;

/**
 * Gives every unit of background work (one end attempt, one round of a periodic job) a
 * request id of its own, prefixed {@code bg-}: its log lines show it, and the provider
 * calls it makes carry it, as a request's do.
 */
final class BackgroundIds {

	/** The log context key of request ids, the one the log pattern shows. */
	static final String MDC_KEY = "requestId";

	private BackgroundIds() {
	}

	static void run(Runnable work) {
		call(() -> {
			work.run();
			return 0;
		});
	}

	static int call(IntSupplier work) {
		MDC.put(MDC_KEY, "bg-" + UUID.randomUUID());
		try {
			return work.getAsInt();
		}
		finally {
			MDC.remove(MDC_KEY);
		}
	}

}
