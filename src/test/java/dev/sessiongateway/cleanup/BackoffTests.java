package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capped exponential backoff with full jitter, from the attempt count.
 */
class BackoffTests {

	private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(7));

	@Test
	void theCapDoublesPerAttemptUpToTheMaximum() {
		assertThat(IntStream.rangeClosed(1, 9).mapToObj(this.backoff::cap).map(Duration::toSeconds)).containsExactly(1L,
				2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
		assertThat(this.backoff.cap(10_000)).isEqualTo(Duration.ofSeconds(60));
		assertThat(this.backoff.cap(0)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void everyDelayLiesBetweenZeroAndTheCapAndSpreadsOverIt() {
		for (int attempts = 1; attempts <= 12; attempts++) {
			long cap = this.backoff.cap(attempts).toMillis();
			long min = Long.MAX_VALUE;
			long max = 0;
			for (int i = 0; i < 2000; i++) {
				long delay = this.backoff.delay(attempts, null).toMillis();
				assertThat(delay).isBetween(0L, cap);
				min = Math.min(min, delay);
				max = Math.max(max, delay);
			}
			assertThat(min).as("full jitter reaches down to zero").isLessThan(cap / 10 + 1);
			assertThat(max).as("and up to the cap").isGreaterThan(cap * 9 / 10);
		}
	}

	@Test
	void aLongerRetryAfterFromTheProviderIsHonoured() {
		for (int i = 0; i < 500; i++) {
			assertThat(this.backoff.delay(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
			assertThat(this.backoff.delay(20, Duration.ofMinutes(5))).as("even past the cap")
				.isEqualTo(Duration.ofMinutes(5));
			assertThat(this.backoff.delay(20, Duration.ofMillis(1))).isBetween(Duration.ofMillis(1),
					Duration.ofSeconds(60));
		}
	}

}
