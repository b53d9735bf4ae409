package dev.sessiongateway.tracking;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Exact caps per client and provider, on whichever database a subclass runs: counted in
 * the transaction that records each intent, released by every end, and never off from a
 * recount of the ledger.
 */
abstract class SessionCapsContract extends LedgerTestSupport {

	static final String SCOPE = "proj-a";

	private String open(String client, String sessionId) {
		return this.tracker.open(this.provider, new OpenIntent(SCOPE, sessionId, new byte[0]), client);
	}

	private long live(String client) {
		return this.sessions.findAll()
			.stream()
			.filter((session) -> client.equals(session.getClient()) && session.getStatus().isLive())
			.count();
	}

	@Test
	void concurrentOpensOverTheLiveCapAdmitExactlyTheCap() throws Exception {
		this.limits.set("svc", "fake", new SessionCaps(10, 0));
		this.upkeep.recountUsage();
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger refused = new AtomicInteger();
		List<Callable<Boolean>> opens = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			String id = "s-" + i;
			opens.add(() -> {
				start.await();
				try {
					open("svc", id);
					return true;
				}
				catch (SessionLimitReachedException ex) {
					assertThat(ex.cap()).isEqualTo(SessionLimitReachedException.Cap.MAX_LIVE);
					assertThat(ex.live()).isEqualTo(10);
					refused.incrementAndGet();
					return false;
				}
			});
		}
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<Boolean>> results = opens.stream().map(pool::submit).toList();
			start.countDown();
			long admitted = 0;
			for (Future<Boolean> result : results) {
				admitted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(admitted).isEqualTo(10);
		}
		assertThat(refused).hasValue(30);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).as("the provider saw only the admitted").isEqualTo(10);
		assertThat(live("svc")).isEqualTo(10);
		assertThat(this.upkeep.recountUsage()).as("counts repaired").isZero();
	}

	@Test
	void anEndFreesItsPlaceAndAnotherClientIsNotCounted() {
		this.limits.set("svc", "fake", new SessionCaps(2, 0));
		open("svc", "a");
		open("svc", "b");
		assertThatExceptionOfType(SessionLimitReachedException.class).isThrownBy(() -> open("svc", "c"));
		open("other", "c");

		this.tracker.end(this.provider, new SessionKey("fake", SCOPE, "a"), "svc", EndReason.CLIENT);
		open("svc", "d");

		assertThatExceptionOfType(SessionLimitReachedException.class).isThrownBy(() -> open("svc", "e"));
		assertThat(this.sessions.findAll()).noneMatch((session) -> "e".equals(session.getSessionId()));
	}

	@Test
	void opensAMinuteAreRefusedPastTheCapUntilTheAllowanceRefills() {
		this.limits.set("svc", "fake", new SessionCaps(0, 6));
		for (int i = 0; i < 6; i++) {
			open("svc", "s-" + i);
		}
		SessionLimitReachedException refused = org.assertj.core.api.Assertions
			.catchThrowableOfType(SessionLimitReachedException.class, () -> open("svc", "s-6"));
		assertThat(refused.cap()).isEqualTo(SessionLimitReachedException.Cap.OPENS_PER_MINUTE);
		assertThat(refused.retryAfter()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(10));

		this.clock.advance(Duration.ofSeconds(10));
		open("svc", "s-6");
		assertThatExceptionOfType(SessionLimitReachedException.class).isThrownBy(() -> open("svc", "s-7"));
	}

	@Test
	void failedOpensAndUntrackedEndsCountOnlyWhileLive() {
		this.limits.set("svc", "fake", new SessionCaps(1, 0));
		this.provider
			.faults((op, key) -> (op == FakeProvider.Op.OPEN) ? FakeProvider.Fault.REFUSED : FakeProvider.Fault.NONE);
		open("svc", "refused");
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		open("svc", "a");
		this.tracker.end(this.provider, new SessionKey("fake", SCOPE, "a"), "svc", EndReason.CLIENT);
		this.tracker.end(this.provider, new SessionKey("fake", SCOPE, "never-opened"), "svc", EndReason.CLIENT);

		open("svc", "b");
		assertThat(this.upkeep.recountUsage()).isZero();
	}

	@Test
	void opensAndEndsInterleavedKeepTheCountExact() throws Exception {
		this.limits.set("svc", "fake", new SessionCaps(5, 0));
		// as the gateway does before it takes requests
		this.upkeep.recountUsage();
		this.provider.faults((op, key) -> (new Random(key.hashCode()).nextInt(10) == 0) ? FakeProvider.Fault.LOST_ANSWER
				: FakeProvider.Fault.NONE);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> parties = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				parties.add(pool.submit(() -> {
					Random random = new Random(thread);
					for (int i = 0; i < 30; i++) {
						String id = "s-" + random.nextInt(8);
						try {
							if (random.nextBoolean()) {
								open("svc", id);
							}
							else {
								this.tracker.end(this.provider, new SessionKey("fake", SCOPE, id), "svc",
										EndReason.CLIENT);
							}
						}
						catch (SessionLimitReachedException | SessionAlreadyActiveException
								| IllegalStateException ex) {
							// a normal answer (or a lost create, left to be ended)
						}
					}
					return null;
				}));
			}
			for (Future<?> party : parties) {
				party.get(60, TimeUnit.SECONDS);
			}
		}
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);

		assertThat(this.upkeep.recountUsage()).as("counts repaired").isZero();
		assertThat(live("svc")).isLessThanOrEqualTo(5);
	}

}
