package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The system clock, which a test may move forward: time-driven work (maximum age, expiry,
 * retention, deadlines) is tested by moving the clock, not by sleeping. Like the
 * gateway's own clock it tells whole microseconds, the precision the database keeps.
 */
public class TestClock extends Clock {

	private volatile Duration offset = Duration.ZERO;

	/** Moves the clock forward. */
	public void advance(Duration duration) {
		this.offset = this.offset.plus(duration);
	}

	/** Back to the system's time. */
	public void reset() {
		this.offset = Duration.ZERO;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("the test clock runs in UTC");
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(this.offset).truncatedTo(ChronoUnit.MICROS);
	}

}
