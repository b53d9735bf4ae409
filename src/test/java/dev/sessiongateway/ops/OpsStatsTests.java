package dev.sessiongateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.tracking.SessionCount;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The stats are counted at most once per max-age, counted again once older, and never
 * answered more than twice that old.
 */
class OpsStatsTests {

	private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

	private final MovableClock clock = new MovableClock();

	private final SessionQueries sessions = mock(SessionQueries.class);

	private final AtomicInteger counted = new AtomicInteger();

	private OpsStats stats(Duration maxAge) {
		given(this.sessions.liveCounts()).willAnswer((invocation) -> List
			.of(new SessionCount("pathors", "proj-a", SessionStatus.ACTIVE, this.counted.incrementAndGet())));
		return new OpsStats(this.sessions, this.clock, new OpsProperties(maxAge));
	}

	private static long active(OpsStats.Counts counts) {
		return counts.live().getFirst().count();
	}

	@Test
	void callsWithinTheMaxAgeShareOneCountAndALaterCallCountsAgain() {
		OpsStats stats = stats(Duration.ofSeconds(2));

		OpsStats.Counts first = stats.counts();
		this.clock.advance(Duration.ofMillis(1500));
		OpsStats.Counts second = stats.counts();
		this.clock.advance(Duration.ofMillis(500));
		OpsStats.Counts atMaxAge = stats.counts();
		this.clock.advance(Duration.ofMillis(1));
		OpsStats.Counts past = stats.counts();

		assertThat(active(first)).isEqualTo(1);
		assertThat(second).isSameAs(first);
		assertThat(atMaxAge).isSameAs(first);
		assertThat(active(past)).isEqualTo(2);
		assertThat(past.countedAt()).isEqualTo(START.plusMillis(2001));
		assertThat(this.counted).hasValue(2);
	}

	@Test
	void aMaxAgeOfZeroCountsOnEveryCall() {
		OpsStats stats = stats(Duration.ZERO);

		stats.counts();
		stats.counts();

		assertThat(active(stats.counts())).isEqualTo(3);
	}

	@Test
	void whileOneCallCountsOthersGetThePreviousCountsOnlyUpToTwiceTheMaxAge() throws Exception {
		OpsStats stats = stats(Duration.ofSeconds(2));
		stats.counts();
		CountDownLatch countingStarted = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		given(this.sessions.liveCounts()).willAnswer((invocation) -> {
			countingStarted.countDown();
			release.await(30, TimeUnit.SECONDS);
			return List.of(new SessionCount("pathors", "proj-a", SessionStatus.ACTIVE, 42));
		});
		this.clock.advance(Duration.ofSeconds(3));
		try (ExecutorService callers = Executors.newFixedThreadPool(2)) {
			Future<OpsStats.Counts> recounting = callers.submit(stats::counts);
			assertThat(countingStarted.await(30, TimeUnit.SECONDS)).isTrue();

			OpsStats.Counts meanwhile = stats.counts();
			assertThat(active(meanwhile)).as("3 s old, under twice the max age").isEqualTo(1);

			this.clock.advance(Duration.ofMillis(1001));
			Future<OpsStats.Counts> tooOld = callers.submit(stats::counts);
			release.countDown();

			assertThat(active(recounting.get(30, TimeUnit.SECONDS))).isEqualTo(42);
			assertThat(active(tooOld.get(30, TimeUnit.SECONDS))).as("not counts over twice the max age old")
				.isEqualTo(42);
		}
	}

	@Test
	void aNegativeMaxAgeIsRefused() {
		try (var validation = jakarta.validation.Validation.buildDefaultValidatorFactory()) {
			var validator = validation.getValidator();
			assertThat(validator.validate(new OpsProperties(Duration.ofSeconds(-1))))
				.extracting((violation) -> violation.getPropertyPath().toString() + " " + violation.getMessage())
				.containsExactly("statsMaxAge must not be negative");
			assertThat(validator.validate(new OpsProperties(Duration.ZERO))).isEmpty();
		}
	}

	private static final class MovableClock extends Clock {

		private final AtomicReference<Instant> now = new AtomicReference<>(START);

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

}
