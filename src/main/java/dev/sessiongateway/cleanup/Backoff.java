package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.RetryPolicy;

/**
 * Capped exponential backoff with full jitter: after the n-th failed attempt the next one
 * waits a uniformly random time between zero and {@code min(max, min * 2^(n-1))}, or the
 * provider's {@code Retry-After} if that is longer. Jitter spreads the retries of many
 * sessions that failed together (an outage) instead of sending them back in one wave.
 */
final class Backoff implements RetryPolicy {

	private final Duration min;

	private final Duration max;

	private final RandomGenerator random;

	Backoff(Duration min, Duration max) {
		this(min, max, ThreadLocalRandom.current());
	}

	Backoff(Duration min, Duration max, RandomGenerator random) {
		this.min = min;
		this.max = max;
		this.random = random;
	}

	/** The longest the delay after {@code attempts} failed attempts may be. */
	Duration cap(int attempts) {
		int doublings = Math.clamp(attempts - 1, 0, 40);
		long minMillis = this.min.toMillis();
		long maxMillis = this.max.toMillis();
		boolean belowMax = minMillis <= (maxMillis >> doublings);
		return Duration.ofMillis(belowMax ? minMillis << doublings : maxMillis);
	}

	@Override
	public Duration delay(int attempts, @Nullable Duration retryAfter) {
		long cap = cap(attempts).toMillis();
		RandomGenerator random = (this.random instanceof ThreadLocalRandom) ? ThreadLocalRandom.current() : this.random;
		Duration jittered = Duration.ofMillis(random.nextLong(cap + 1));
		return (retryAfter != null && retryAfter.compareTo(jittered) > 0) ? retryAfter : jittered;
	}

}
