package dev.sessiongateway.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits the ledger's short transactions in groups. A request thread hands its unit of
 * work (statements that belong in one transaction) to a writer and waits until it is
 * committed; a writer runs every unit waiting at that moment in one transaction, so that
 * many requests share one commit (on an H2 file the pages a commit writes, on PostgreSQL
 * the flush of its log) instead of queueing for one each.
 * <p>
 * Each unit keeps its own outcome: when one fails, the group is rolled back and each of
 * its units runs again in a transaction of its own, so a unit never fails or commits
 * because of another. A unit may therefore run more than once and must read what it
 * decides on inside the unit, as every change of {@link SessionStore} does. Nothing is
 * answered before its commit: a failed commit fails every unit of the group.
 */
@Component
class GroupCommits implements DisposableBean {

	/** At most this many units share one commit. */
	static final int MAX_GROUP = 64;

	/**
	 * Writers working at once: a second one runs its group's statements while the first
	 * one's commit is written.
	 */
	static final int WRITERS = 2;

	private final TransactionTemplate tx;

	private final BlockingQueue<Unit<?>> waiting = new LinkedBlockingQueue<>();

	private final List<Thread> writers = new ArrayList<>();

	private volatile boolean stopped;

	GroupCommits(PlatformTransactionManager transactionManager) {
		this.tx = new TransactionTemplate(transactionManager);
		for (int i = 1; i <= WRITERS; i++) {
			this.writers.add(Thread.ofPlatform().daemon().name("ledger-writer-" + i).start(this::write));
		}
	}

	/**
	 * Runs the work in a committed transaction, shared with other units.
	 * @return what the work returned, once committed
	 * @throws RuntimeException what the work threw (it was rolled back), or why the
	 * transaction could not begin or commit
	 */
	<T> T run(Supplier<T> work) {
		Unit<T> unit = new Unit<>(work);
		if (this.stopped) {
			throw new CannotCreateTransactionException("the ledger is shutting down");
		}
		this.waiting.add(unit);
		if (this.stopped) {
			// a writer may have gone between the look and the add
			failWaiting();
		}
		try {
			return unit.outcome.join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

	/** How many units wait for a writer. */
	int waiting() {
		return this.waiting.size();
	}

	private void write() {
		List<Unit<?>> group = new ArrayList<>(MAX_GROUP);
		while (!this.stopped) {
			Unit<?> first;
			try {
				// (never interrupted: an interrupt during file IO would close H2's file)
				first = this.waiting.poll(200, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			if (first == null) {
				continue;
			}
			group.add(first);
			this.waiting.drainTo(group, MAX_GROUP - 1);
			commit(group);
			group.clear();
		}
		failWaiting();
	}

	private void commit(List<Unit<?>> group) {
		try {
			this.tx.executeWithoutResult((status) -> group.forEach(Unit::runInGroup));
		}
		catch (UnitFailed ex) {
			if (group.size() == 1) {
				group.getFirst().fail(ex.cause);
				return;
			}
			group.forEach(this::commitAlone);
			return;
		}
		catch (RuntimeException | Error ex) {
			group.forEach((unit) -> unit.fail(ex));
			return;
		}
		group.forEach(Unit::committed);
	}

	private void commitAlone(Unit<?> unit) {
		try {
			this.tx.executeWithoutResult((status) -> unit.runInGroup());
			unit.committed();
		}
		catch (UnitFailed ex) {
			unit.fail(ex.cause);
		}
		catch (RuntimeException | Error ex) {
			unit.fail(ex);
		}
	}

	private void failWaiting() {
		for (Unit<?> unit; (unit = this.waiting.poll()) != null;) {
			unit.fail(new CannotCreateTransactionException("the ledger is shutting down"));
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		this.stopped = true;
		for (Thread writer : this.writers) {
			writer.join(10_000);
		}
		failWaiting();
	}

	private static final class Unit<T> {

		private final Supplier<T> work;

		private final CompletableFuture<T> outcome = new CompletableFuture<>();

		private @Nullable T result;

		Unit(Supplier<T> work) {
			this.work = work;
		}

		void runInGroup() {
			try {
				this.result = this.work.get();
			}
			catch (RuntimeException ex) {
				throw new UnitFailed(ex);
			}
		}

		void committed() {
			this.outcome.complete(this.result);
		}

		void fail(Throwable failure) {
			this.outcome.completeExceptionally(failure);
		}

	}

	/** A unit's own failure, which rolls back its group. */
	private static final class UnitFailed extends RuntimeException {

		private final RuntimeException cause;

		UnitFailed(RuntimeException cause) {
			super(null, cause, false, false);
			this.cause = cause;
		}

	}

}
