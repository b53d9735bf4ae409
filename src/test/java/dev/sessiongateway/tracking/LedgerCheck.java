package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A property-style check of the lifecycle: several threads run random opens, ends,
 * webhooks, reads, ops force-ends and stale signals on a few session ids while the
 * provider fails at random (unreachable, answer lost, refused). Then the provider
 * recovers, background work retries what is due, and the ledger is compared with what the
 * provider holds.
 */
final class LedgerCheck {

	private static final List<String> IDS = List.of("s-0", "s-1", "s-2");

	private static final int THREADS = 4;

	private static final int OPERATIONS_PER_THREAD = 40;

	private final SessionTracker tracker;

	private final SessionUpkeep upkeep;

	private final TestClock clock;

	private final FakeProvider provider;

	private final StoredSessions sessions;

	private final StoredSessions transitions;

	private final long seed;

	LedgerCheck(SessionTracker tracker, SessionUpkeep upkeep, FakeProvider provider, StoredSessions sessions,
			StoredSessions transitions, TestClock clock, long seed) {
		this.tracker = tracker;
		this.upkeep = upkeep;
		this.clock = clock;
		this.provider = provider;
		this.sessions = sessions;
		this.transitions = transitions;
		this.seed = seed;
	}

	/**
	 * What one run found: every list is empty when the ledger agrees with the provider.
	 */
	record Outcome(long seed, int operations, List<String> unexpected, List<String> leaked, List<String> ghosts,
			List<String> stuck) {

		@Override
		public String toString() {
			return "seed " + this.seed + ": " + this.operations + " operations, unexpected=" + this.unexpected.size()
					+ " leaked=" + this.leaked.size() + " ghosts=" + this.ghosts.size() + " stuck=" + this.stuck.size();
		}

	}

	Outcome run() throws Exception {
		ThreadLocal<Random> random = new ThreadLocal<>();
		this.provider.beforeCall((op) -> {
		}).faults((op, key) -> {
			int roll = random.get().nextInt(100);
			if (roll < 10) {
				return FakeProvider.Fault.UNREACHABLE;
			}
			if (roll < 20) {
				return FakeProvider.Fault.LOST_ANSWER;
			}
			if (roll < 25) {
				return FakeProvider.Fault.REFUSED;
			}
			return (roll < 30 && op == FakeProvider.Op.OPEN) ? FakeProvider.Fault.LANDS_LATE : FakeProvider.Fault.NONE;
		});
		ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
		AtomicInteger operations = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				long threadSeed = this.seed * 1000 + t;
				workers.add(pool.submit(() -> {
					random.set(new Random(threadSeed));
					start.await();
					for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
						Random dice = random.get();
						String sessionId = IDS.get(dice.nextInt(IDS.size()));
						try {
							step(dice.nextInt(100), sessionId, dice);
						}
						catch (SessionAlreadyActiveException ex) {
							// a 409: a normal answer
						}
						catch (IllegalStateException ex) {
							if (!isProviderFailure(ex)) {
								unexpected.add(ex.toString());
							}
						}
						catch (RuntimeException ex) {
							unexpected.add(withCauses(ex));
						}
						operations.incrementAndGet();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		settle();
		return check(operations.get(), List.copyOf(unexpected));
	}

	private void step(int roll, String sessionId, Random dice) {
		SessionKey key = SessionRaceContract.key(sessionId);
		if (roll < 30) {
			this.tracker.open(this.provider, SessionRaceContract.intent(sessionId), "svc");
		}
		else if (roll < 55) {
			this.tracker.end(this.provider, key, "svc", EndReason.CLIENT);
		}
		else if (roll < 65) {
			this.provider.endOnItsOwn(SessionRaceContract.SCOPE, sessionId)
				.ifPresent((happened) -> this.tracker.endedAtProvider(key, happened, EndReason.PROVIDER_ENDED));
		}
		else if (roll < 80) {
			this.tracker.status(this.provider, key);
		}
		else if (roll < 90) {
			List<Session> rows = this.sessions.findAll()
				.stream()
				.filter((row) -> sessionId.equals(row.getSessionId()))
				.toList();
			if (!rows.isEmpty()) {
				this.tracker.endRow(rows.get(dice.nextInt(rows.size())).getId(), "ops:person", EndReason.OPS);
			}
		}
		else {
			this.tracker.endedAtProvider(key, Instant.now().minusSeconds(3600), EndReason.PROVIDER_ENDED);
		}
	}

	private static boolean isProviderFailure(IllegalStateException ex) {
		return "provider unreachable".equals(ex.getMessage()) || "answer lost".equals(ex.getMessage());
	}

	/**
	 * Background work: every due end is claimed and tried until the provider confirms it,
	 * each round once its row is due (past any hold of a call that was in flight, and
	 * past its backoff). After the first round the creates that were still in the works
	 * land (after their compensating end was answered), and the clock passes the time
	 * they could land, so that the compensations are verified.
	 */
	private void settle() {
		for (int round = 0; round < 6; round++) {
			this.clock.advance(this.provider.longestCall().plus(TrackerTestConfiguration.RETRY_DELAY).plusSeconds(1));
			if (round == 1) {
				this.provider.landLateCreates();
				this.clock.advance(TrackerTestConfiguration.VERIFY_AFTER);
			}
			this.upkeep.claimDueEnds(100, this.provider.longestCall()).forEach(this.upkeep::attempt);
		}
	}

	/** Every row of one session id with its history, to tell what went wrong. */
	private String history(List<Session> rows, String sessionId) {
		StringBuilder text = new StringBuilder();
		rows.stream().filter((row) -> sessionId.equals(row.getSessionId())).forEach((row) -> {
			text.append("\n  row ").append(row.getId()).append(' ').append(row.getStatus()).append(':');
			this.transitions.historyOf(row.getId())
				.forEach((step) -> text.append(' ')
					.append(step.to())
					.append('/')
					.append(step.actor())
					.append('/')
					.append(step.reason()));
		});
		return text.toString();
	}

	private static String withCauses(Throwable failure) {
		StringBuilder text = new StringBuilder(failure.toString());
		for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
			text.append(" <- ").append(cause);
		}
		return text.toString();
	}

	private Outcome check(int operations, List<String> unexpected) {
		List<Session> rows = this.sessions.findAll();
		List<String> leaked = new ArrayList<>();
		List<String> ghosts = new ArrayList<>();
		List<String> stuck = new ArrayList<>();
		for (String sessionId : IDS) {
			boolean atProvider = this.provider.isLive(SessionRaceContract.SCOPE, sessionId);
			long active = rows.stream()
				.filter((row) -> sessionId.equals(row.getSessionId()) && row.getStatus() == SessionStatus.ACTIVE)
				.count();
			if (atProvider && active == 0) {
				leaked.add(sessionId + " " + history(rows, sessionId));
			}
			if (!atProvider && active > 0) {
				ghosts.add(sessionId + " " + history(rows, sessionId));
			}
		}
		rows.stream()
			.filter((row) -> row.getStatus() == SessionStatus.OPENING || row.getStatus() == SessionStatus.ENDING)
			.forEach((row) -> stuck.add(row.getId() + ":" + row.getSessionId() + ":" + row.getStatus()));
		return new Outcome(this.seed, operations, unexpected, leaked, ghosts, stuck);
	}

}
