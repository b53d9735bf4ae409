package dev.sessiongateway.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits the ledger's short transactions in groups. A calling thread hands its unit of
 * work (statements that belong in one transaction) to a writer and waits until it is
 * committed; a writer runs every unit waiting at that moment in one transaction, so that
 * many callers share one commit (on an H2 file the pages a commit writes, on PostgreSQL
 * the flush of its log) instead of queueing for one each.
 * <p>
 * Each unit keeps its own outcome: in a group of several, each unit runs inside a
 * savepoint of its own, and a unit that fails is rolled back to it and fails alone while
 * the others go on (a refused duplicate costs only itself), so a unit never fails or
 * commits because of another. A unit reads what it decides on inside the unit. Nothing is
 * answered before its commit: a transaction that cannot begin or commit fails every unit
 * of the group.
 */
final class GroupCommits {

	/** At most this many units share one commit. */
	static final int MAX_GROUP = 64;

	/**
	 * Writers on H2: one, so that the ledger's transactions never wait for each other.
	 * With two, two groups each held rows the other one's next unit needed (a duplicate
	 * open waits for the uncommitted end that frees its id), and H2 does not always
	 * detect that as a deadlock: it waits out its lock timeout. Claims in transactions of
	 * their own take only rows nobody holds ({@code skip locked}), so they never wait for
	 * the writer either.
	 */
	static final int H2_WRITERS = 1;

	/**
	 * Writers on other databases (PostgreSQL): two, so that one group's statements run
	 * while the other's commit waits for its log flush. PostgreSQL detects a deadlock
	 * between two groups and aborts one statement; that unit is rolled back to its
	 * savepoint and fails alone, and its caller may run it again.
	 */
	static final int WRITERS = 2;

	private final TransactionTemplate transactions;

	private final BlockingQueue<Unit<?>> waiting = new LinkedBlockingQueue<>();

	private final List<Thread> writers = new ArrayList<>();

	private volatile boolean stopped;

	GroupCommits(TransactionTemplate transactions, int writers) {
		this.transactions = transactions;
		for (int i = 1; i <= writers; i++) {
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
			this.transactions.executeWithoutResult((status) -> {
				if (group.size() == 1) {
					// alone, a failing unit rolls back the whole transaction
					group.getFirst().runInGroup();
					return;
				}
				for (Unit<?> unit : group) {
					Object savepoint = status.createSavepoint();
					try {
						unit.runInGroup();
						status.releaseSavepoint(savepoint);
					}
					catch (UnitFailed ex) {
						status.rollbackToSavepoint(savepoint);
						unit.failed = ex.cause;
					}
				}
			});
		}
		catch (UnitFailed ex) {
			group.getFirst().fail(ex.cause);
			return;
		}
		catch (RuntimeException | Error ex) {
			// the transaction could not begin, roll back to a savepoint or commit
			group.forEach((unit) -> unit.fail((unit.failed != null) ? unit.failed : ex));
			return;
		}
		group.forEach(Unit::settle);
	}

	private void failWaiting() {
		for (Unit<?> unit; (unit = this.waiting.poll()) != null;) {
			unit.fail(new CannotCreateTransactionException("the ledger is shutting down"));
		}
	}

	/**
	 * Lets the writers finish the groups they hold, then fails every unit still waiting.
	 */
	void destroy() throws InterruptedException {
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

		/** The unit's own failure, when it was rolled back to its savepoint. */
		private @Nullable RuntimeException failed;

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

		/** After the commit: its result, or its own failure. */
		void settle() {
			if (this.failed != null) {
				this.outcome.completeExceptionally(this.failed);
			}
			else {
				this.outcome.complete(this.result);
			}
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
