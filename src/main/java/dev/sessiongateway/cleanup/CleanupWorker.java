package dev.sessiongateway.cleanup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.sessiongateway.tracking.EndClaim;
import dev.sessiongateway.tracking.SessionUpkeep;
import dev.sessiongateway.tracking.TrackingProperties;

/**
 * One loop per replica, on a virtual thread: ends due sessions in small claimed batches
 * (the calls of a batch run at once, up to a concurrency cap), and runs the periodic
 * scans when they are due. It starts with the application and stops cleanly on shutdown;
 * a batch whose calls outlive the stop stays claimed until its lease runs out, then any
 * replica takes it again.
 */
class CleanupWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(CleanupWorker.class);

	/** The most batches of leases' sessions one round of the loop moves to their end. */
	static final int LEASE_ROUNDS = 20;

	/** The most batches of expired idempotency keys one round of the loop deletes. */
	static final int KEY_ROUNDS = 20;

	private final SessionUpkeep upkeep;

	private final TrackingProperties properties;

	private final List<Job> jobs = new ArrayList<>();

	private final BackgroundIds ids;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition wake = this.lock.newCondition();

	private final Semaphore calls;

	private volatile boolean running;

	private boolean endsFailing;

	private @Nullable Thread loop;

	private @Nullable ExecutorService executor;

	CleanupWorker(SessionUpkeep upkeep, TrackingProperties properties, ObservationRegistry observations) {
		this.upkeep = upkeep;
		this.ids = new BackgroundIds(observations);
		this.properties = properties;
		this.calls = new Semaphore(properties.worker().concurrency());
		TrackingProperties.Worker worker = properties.worker();
		this.jobs.add(new Job("recovery of abandoned opens", "recovery", worker.scanInterval(),
				() -> upkeep.recoverAbandonedOpens(properties.openingTimeout(), worker.scanBatch())));
		for (Map.Entry<String, Duration> maxAge : properties.maxAge().entrySet()) {
			this.jobs.add(new Job("maximum age of " + maxAge.getKey() + " sessions", "max-age", worker.scanInterval(),
					() -> upkeep.endOverAge(maxAge.getKey(), maxAge.getValue(), worker.scanBatch())));
		}
		this.jobs
			.add(new Job("expiry", "expiry", worker.scanInterval(), () -> upkeep.expirePastExpiry(worker.scanBatch())));
		// leases run at the pace of ends: a lease not kept alive ends its sessions within
		// about one poll
		this.jobs.add(new Job("expiry of leases", "lease-expiry", worker.pollInterval(),
				() -> upkeep.expireLeases(worker.scanBatch())));
		this.jobs.add(new Job("ends of leases' sessions", "lease-ends", worker.pollInterval(),
				() -> upkeep.endLeaseSessions(worker.scanBatch(), LEASE_ROUNDS)));
		this.jobs.add(
				new Job("recount of capped clients' sessions", "recount", worker.scanInterval(), upkeep::recountUsage));
		// a key's stored answer is deleted within one scan of the end of its window
		this.jobs.add(new Job("expiry of idempotency keys", "idempotency-keys", worker.scanInterval(),
				() -> purgeKeys(upkeep, worker.purgeBatch())));
		this.jobs.add(new Job("retention", "retention", worker.purgeInterval(),
				() -> upkeep.purge(properties.retention(), worker.purgeBatch())));
		if (properties.reconcile().enabled()) {
			this.jobs.add(new Job("reconciliation", "reconciliation", properties.reconcile().interval(),
					() -> upkeep.reconcile(properties.reconcile().every(), properties.reconcile().batch())));
		}
	}

	/** Deletes expired idempotency keys a batch at a time, up to {@link #KEY_ROUNDS}. */
	private static int purgeKeys(SessionUpkeep upkeep, int batch) {
		int purged = 0;
		for (int round = 0; round < KEY_ROUNDS; round++) {
			int deleted = upkeep.purgeIdempotencyKeys(batch);
			purged += deleted;
			if (deleted < batch) {
				break;
			}
		}
		return purged;
	}

	@Override
	public void start() {
		if (!this.properties.worker().enabled() || this.running) {
			return;
		}
		this.running = true;
		this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("session-end-", 0).factory());
		this.loop = Thread.ofVirtual().name("session-cleanup").start(this::run);
		log.info("background work started: ends every {} when idle, {} per claim",
				this.properties.worker().pollInterval(), this.properties.worker().batch());
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		signal();
		Thread thread = this.loop;
		ExecutorService calls = this.executor;
		try {
			if (thread != null) {
				thread.join(this.properties.worker().lease().toMillis());
			}
			if (calls != null) {
				calls.shutdown();
				calls.awaitTermination(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		log.info("background work stopped");
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops before the web server and the database pool go. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	/** Wakes the loop now (a new end is due). */
	void signal() {
		this.lock.lock();
		try {
			this.wake.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void run() {
		while (this.running) {
			int claimed = 0;
			try {
				claimed = endDue();
				this.endsFailing = false;
			}
			catch (RuntimeException ex) {
				if (!this.endsFailing) {
					warn("due ends", ex);
				}
				this.endsFailing = true;
			}
			for (Job job : this.jobs) {
				if (this.running) {
					job.runIfDue();
				}
			}
			if (claimed < this.properties.worker().batch()) {
				pause(this.properties.worker().pollInterval());
			}
		}
	}

	/**
	 * Claims one batch of due ends and makes their calls, at most the concurrency cap at
	 * once, waiting for all of them.
	 * @return how many rows were claimed
	 */
	int endDue() {
		List<EndClaim> claims = this.upkeep.claimDueEnds(this.properties.worker().batch(),
				this.properties.worker().lease());
		ExecutorService calls = this.executor;
		List<Future<?>> inFlight = new ArrayList<>();
		for (EndClaim claim : claims) {
			if (calls == null) {
				attempt(claim);
				continue;
			}
			inFlight.add(calls.submit(() -> {
				this.calls.acquireUninterruptibly();
				try {
					attempt(claim);
				}
				finally {
					this.calls.release();
				}
			}));
		}
		for (Future<?> call : inFlight) {
			try {
				call.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return claims.size();
			}
			catch (java.util.concurrent.ExecutionException ex) {
				warn("an end attempt", ex.getCause());
			}
		}
		return claims.size();
	}

	private void attempt(EndClaim claim) {
		this.ids.run("end-attempt", () -> {
			try {
				this.upkeep.attempt(claim);
			}
			catch (RuntimeException ex) {
				// the row stays claimed until its lease runs out, then it is tried again
				warn("the end of " + claim.provider() + " session row " + claim.id(), ex);
			}
		});
	}

	private void pause(Duration duration) {
		this.lock.lock();
		try {
			if (this.running) {
				this.wake.await(duration.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
		finally {
			this.lock.unlock();
		}
	}

	private static void warn(String what, @Nullable Throwable ex) {
		log.warn("background work on {} failed and is tried again later: {}", what,
				(ex != null) ? ex.getMessage() : "unknown");
	}

	/** A periodic scan, run by the loop when it is due. */
	private final class Job {

		private final String name;

		/** What the job does, as the trace of each of its rounds names it. */
		private final String work;

		private final Duration interval;

		private final IntSupplier unit;

		private long dueAt;

		private boolean failing;

		Job(String name, String work, Duration interval, IntSupplier unit) {
			this.name = name;
			this.work = work;
			this.interval = interval;
			this.unit = unit;
			this.dueAt = System.nanoTime();
		}

		void runIfDue() {
			long now = System.nanoTime();
			if (now - this.dueAt < 0) {
				return;
			}
			this.dueAt = now + this.interval.toNanos();
			try {
				int done = CleanupWorker.this.ids.call(this.work, this.unit);
				if (this.failing) {
					log.info("background {} works again", this.name);
					this.failing = false;
				}
				if (done > 0) {
					log.debug("background {}: {} rows", this.name, done);
				}
			}
			catch (RuntimeException ex) {
				if (!this.failing) {
					warn(this.name, ex);
				}
				this.failing = true;
			}
		}

	}

}
