package dev.sessiongateway.upstream;

import java.time.Duration;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

/**
 * The requests a minute the gateway may send one provider: a Bucket4j token bucket, held
 * in this process or shared by every replica through the database.
 */
public final class RequestBudget {

	private static final RequestBudget UNLIMITED = new RequestBudget(null);

	private final Bucket bucket;

	private RequestBudget(Bucket bucket) {
		this.bucket = bucket;
	}

	/** No limit. */
	public static RequestBudget unlimited() {
		return UNLIMITED;
	}

	/** A budget held in this process only. */
	public static RequestBudget local(int perMinute) {
		return (perMinute <= 0) ? UNLIMITED : new RequestBudget(Bucket.builder().addLimit(limit(perMinute)).build());
	}

	static RequestBudget of(Bucket bucket) {
		return new RequestBudget(bucket);
	}

	/** A full bucket of {@code perMinute} tokens, refilled evenly over each minute. */
	static BucketConfiguration configuration(int perMinute) {
		return BucketConfiguration.builder().addLimit(limit(perMinute)).build();
	}

	private static io.github.bucket4j.Bandwidth limit(int perMinute) {
		return io.github.bucket4j.Bandwidth.builder()
			.capacity(perMinute)
			.refillGreedy(perMinute, Duration.ofMinutes(1))
			.build();
	}

	/**
	 * Takes one request from the budget if there is one.
	 * @return 0 when the request may go, otherwise the seconds until one is due
	 */
	public long tryAcquire() {
		if (this.bucket == null) {
			return 0;
		}
		ConsumptionProbe probe = this.bucket.tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			return 0;
		}
		return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
	}

}
