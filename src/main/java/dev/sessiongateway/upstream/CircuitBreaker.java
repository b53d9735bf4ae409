package dev.sessiongateway.upstream;

import java.time.Duration;

/**
 * Stops calling a provider that keeps failing: after {@code threshold} failures in a row
 * the circuit opens for {@code openFor}, then one trial call decides whether it closes
 * again. A threshold of zero or less turns it off.
 */
final class CircuitBreaker {

	private final int threshold;

	private final long openForNanos;

	private int consecutiveFailures;

	private long openUntil;

	private boolean open;

	private boolean trialInFlight;

	CircuitBreaker(int threshold, Duration openFor) {
		this.threshold = threshold;
		this.openForNanos = openFor.toNanos();
	}

	/**
	 * Asks whether a call may go now.
	 * @return 0 when it may, otherwise the seconds after which to try again
	 */
	synchronized long tryAcquire() {
		if (this.threshold <= 0 || !this.open) {
			return 0;
		}
		long remaining = this.openUntil - System.nanoTime();
		if (remaining > 0) {
			return Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L);
		}
		if (this.trialInFlight) {
			return 1;
		}
		this.trialInFlight = true;
		return 0;
	}

	synchronized void succeeded() {
		this.consecutiveFailures = 0;
		this.open = false;
		this.trialInFlight = false;
	}

	/**
	 * @return true when this failure opened the circuit
	 */
	synchronized boolean failed() {
		if (this.threshold <= 0) {
			return false;
		}
		this.consecutiveFailures++;
		boolean opens = this.trialInFlight || (!this.open && this.consecutiveFailures >= this.threshold);
		this.trialInFlight = false;
		if (opens) {
			this.open = true;
			this.openUntil = System.nanoTime() + this.openForNanos;
		}
		return opens;
	}

}
