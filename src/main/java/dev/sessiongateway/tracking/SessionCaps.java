package dev.sessiongateway.tracking;

import java.time.Duration;

/**
 * The caps one client has at one provider; 0 means no cap.
 *
 * @param maxLive the most sessions it may have OPENING, ACTIVE or ENDING at once
 * @param opensPerMinute the most opens a minute (a token bucket: bursts up to the cap,
 * refilled evenly over each minute)
 */
public record SessionCaps(int maxLive, int opensPerMinute) {

	public SessionCaps {
		if (maxLive < 0 || opensPerMinute < 0) {
			throw new IllegalArgumentException("caps are 0 (none) or positive");
		}
	}

	/**
	 * The opens left after {@code elapsed} when {@code stored} were left before: the
	 * allowance refills evenly, {@code opensPerMinute} a minute, up to the cap.
	 */
	public double opensLeft(double stored, Duration elapsed) {
		if (this.opensPerMinute == 0) {
			return stored;
		}
		double seconds = Math.max(0, elapsed.toNanos() / 1e9);
		return Math.min(this.opensPerMinute, stored + seconds * this.opensPerMinute / 60.0);
	}

	/** Whether any cap is set. */
	public boolean any() {
		return this.maxLive > 0 || this.opensPerMinute > 0;
	}

}
