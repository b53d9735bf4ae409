package dev.sessiongateway.tracking;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds one provider call until the test opens the gate, so that two parties can be
 * interleaved in a chosen order without sleeping.
 */
final class Gate {

	private final CountDownLatch entered = new CountDownLatch(1);

	private final CountDownLatch opened = new CountDownLatch(1);

	/** Called by the held party: says it is there, then waits. */
	void pass() {
		this.entered.countDown();
		await(this.opened);
	}

	/** Waits until the held party reached the gate. */
	void awaitArrival() {
		await(this.entered);
	}

	void open() {
		this.opened.countDown();
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("gate timed out");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
