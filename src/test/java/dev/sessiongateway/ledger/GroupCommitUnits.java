package dev.sessiongateway.ledger;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Units of work handed to {@link GroupCommits} the way requests hand them: each from its
 * own virtual thread, its outcome a future. Tests queue them one at a time, so that they
 * queue in the order written.
 */
final class GroupCommitUnits {

	private GroupCommitUnits() {
	}

	static <T> CompletableFuture<T> submit(GroupCommits commits, Supplier<T> work) {
		CompletableFuture<T> outcome = new CompletableFuture<>();
		Thread.ofVirtual().start(() -> {
			try {
				outcome.complete(commits.run(work));
			}
			catch (RuntimeException ex) {
				outcome.completeExceptionally(ex);
			}
		});
		return outcome;
	}

	/** Waits until this many units wait for the writer. */
	static void queued(GroupCommits commits, int count) throws InterruptedException {
		for (int i = 0; i < 1000 && commits.waiting() < count; i++) {
			Thread.sleep(10);
		}
		assertThat(commits.waiting()).isEqualTo(count);
	}

	/** Waits for the latch inside a unit, which may not throw a checked exception. */
	static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
