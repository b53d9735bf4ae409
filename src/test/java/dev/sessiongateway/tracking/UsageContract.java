package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.sessiongateway.tracking.FakeProvider.Fault;
import dev.sessiongateway.tracking.FakeProvider.Op;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage per client, provider, scope and day, and activity per hour and day, counted as
 * sessions change, on whichever database a subclass runs: always what a recount of the
 * sessions' history gives, for sessions that cross midnight, that are still held when
 * read, and for many changed at once.
 */
abstract class UsageContract extends LedgerTestSupport {

	/** The first day of the tests' clock (a Tuesday). */
	static final LocalDate DAY_1 = LocalDate.of(2026, 12, 1);

	@Autowired
	UsageQueries usage;

	@Autowired
	PlatformTransactionManager transactionManager;

	private final FakeProvider other = new FakeProvider("other");

	private static long us(Duration duration) {
		return duration.toNanos() / 1_000;
	}

	/** Sets the test clock to this instant (it runs on from there). */
	private void at(Instant instant) {
		this.clock.advance(Duration.between(this.clock.instant(), instant));
	}

	private static Instant on(LocalDate day, String time) {
		return Instant.parse(day + "T" + time + "Z");
	}

	private void open(ProviderSessions<String> provider, String client, String scope, String sessionId) {
		this.tracker.open(provider, new OpenIntent(scope, sessionId, new byte[0]), client);
	}

	private EndResult<String> end(ProviderSessions<String> provider, String scope, String sessionId) {
		return this.tracker.end(provider, new SessionKey(provider.provider(), scope, sessionId), "ops:test",
				EndReason.CLIENT);
	}

	private Session row(String sessionId) {
		return this.sessions.findAll()
			.stream()
			.filter((session) -> sessionId.equals(session.getSessionId()))
			.reduce((first, second) -> second)
			.orElseThrow();
	}

	/** The usage of these days compared with a recount of the history, as of its read. */
	private UsageQueries.Usage assertUsageMatchesHistory(LocalDate from, LocalDate to) {
		UsageQueries.Usage counted = this.usage.usage(from, to, null, null, null);
		Map<String, List<Long>> recounted = UsageRecount.usage(UsageRecount.held(this.jdbc), from, to,
				counted.countedAt());
		assertThat(UsageRecount.usage(counted)).isEqualTo(recounted);
		return counted;
	}

	/** The activity of the last hours and days compared with a recount of the history. */
	private UsageQueries.Activity assertActivityMatchesHistory(int hours, int days, Set<String> providers) {
		UsageQueries.Activity counted = this.usage.activity(hours, days, providers);
		Instant now = counted.countedAt();
		List<UsageRecount.Held> held = UsageRecount.held(this.jdbc);
		Instant firstHour = UsageRecount.hourOf(now).minus(Duration.ofHours(hours - 1));
		Instant firstDay = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(days - 1));
		assertThat(UsageRecount.activity(counted.hourly()))
			.isEqualTo(UsageRecount.activity(held, providers, firstHour, Duration.ofHours(1), hours, now));
		assertThat(UsageRecount.activity(counted.daily()))
			.isEqualTo(UsageRecount.activity(held, providers, firstDay, Duration.ofDays(1), days, now));
		return counted;
	}

	@Test
	void sessionsAcrossMidnightAreSplitBetweenTheDaysAsTheirHistorySays() {
		at(on(DAY_1, "23:30:00"));
		open(this.provider, "svc-a", "p1", "a");
		open(this.provider, "svc-a", "p2", "b");
		open(this.provider, "svc-b", "p1", "c");
		open(this.provider, "svc-b", "p1", "d");
		open(this.other, "svc-a", "p1", "o");
		this.provider.faults((op, key) -> (op == Op.OPEN) ? Fault.REFUSED : Fault.NONE);
		open(this.provider, "svc-a", "p1", "refused");
		this.provider.faults((op, key) -> (op == Op.OPEN) ? Fault.LOST_ANSWER : Fault.NONE);
		try {
			open(this.provider, "svc-a", "p1", "uncertain");
		}
		catch (IllegalStateException ex) {
			// the answer was lost: the create is compensated, and never counted
		}
		this.provider.faults((op, key) -> Fault.NONE);

		at(on(DAY_1, "23:50:00"));
		end(this.provider, "p1", "a");
		at(on(DAY_1.plusDays(1), "00:10:00"));
		end(this.provider, "p2", "b");
		at(on(DAY_1.plusDays(1), "00:20:00"));
		this.provider.faults((op, key) -> (op == Op.END) ? Fault.UNREACHABLE : Fault.NONE);
		assertThat(end(this.provider, "p1", "c")).isInstanceOf(EndResult.Pending.class);
		at(on(DAY_1.plusDays(1), "00:30:00"));
		this.provider.faults((op, key) -> (op == Op.END && key.endsWith("/d")) ? Fault.REFUSED : Fault.NONE);
		end(this.provider, "p1", "d");
		assertThat(row("d").getStatus()).as("the refused end leaves it held").isEqualTo(SessionStatus.ACTIVE);
		this.provider.faults((op, key) -> Fault.NONE);
		at(on(DAY_1.plusDays(1), "01:00:00"));
		endDueInBackground();
		assertThat(row("c").getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row("uncertain").getStatus()).isEqualTo(SessionStatus.ENDED);

		at(on(DAY_1.plusDays(1), "12:00:00"));
		open(this.provider, "svc-a", "p1", "e");
		this.jdbc.update("update tracked_session set expires_at = ? where session_id = 'e'",
				SessionStore.at(on(DAY_1.plusDays(1), "13:00:00")));
		open(this.other, "svc-b", "p9", "w");
		at(on(DAY_1.plusDays(1), "13:05:00"));
		assertThat(this.upkeep.expirePastExpiry(10)).isEqualTo(1);
		this.tracker.endedAtProvider(new SessionKey("other", "p9", "w"), this.clock.instant(),
				EndReason.PROVIDER_ENDED);
		at(on(DAY_1.plusDays(2), "08:00:00"));

		UsageQueries.Usage counted = assertUsageMatchesHistory(DAY_1.minusDays(1), DAY_1.plusDays(3));
		Map<String, List<Long>> byKey = UsageRecount.usage(counted);
		// d: held from 23:30 on day 1, still held at 08:00 on day 3
		assertThat(byKey.get(DAY_1 + " svc-b fake p1").get(0)).isEqualTo(2);
		assertThat(byKey.get(DAY_1.plusDays(1) + " svc-b fake p1").get(1))
			.as("d's whole day 2 and c's 1 h of it (c was ENDING from 00:20 until 01:00)")
			.isBetween(us(Duration.ofHours(25)), us(Duration.ofHours(25).plusSeconds(5)));
		assertThat(byKey.get(DAY_1.plusDays(2) + " svc-b fake p1").get(1)).isBetween(us(Duration.ofHours(8)),
				us(Duration.ofHours(8).plusSeconds(5)));
		assertThat(byKey.get(DAY_1.plusDays(1) + " svc-a fake p2")).as("b: 10 min after midnight, no open")
			.satisfies((values) -> assertThat(values.get(0)).isZero())
			.satisfies((values) -> assertThat(values.get(1)).isBetween(us(Duration.ofMinutes(10)),
					us(Duration.ofMinutes(10).plusSeconds(5))));
		assertThat(byKey).doesNotContainKeys(DAY_1.plusDays(3) + " svc-b fake p1");
		assertThat(this.usage.usage(DAY_1, DAY_1.plusDays(2), "svc-a", "other", null).days())
			.as("o, held from day 1 to day 3")
			.extracting((day) -> day.day() + " " + day.client() + " " + day.provider() + " " + day.scope())
			.containsExactly(DAY_1 + " svc-a other p1", DAY_1.plusDays(1) + " svc-a other p1",
					DAY_1.plusDays(2) + " svc-a other p1");

		assertActivityMatchesHistory(48, 3, Set.of("fake", "other"));
	}

	@Test
	void aSessionStillHeldCountsUpToTheRead() {
		at(on(DAY_1, "22:00:00"));
		open(this.provider, "svc", "p1", "long");
		at(on(DAY_1.plusDays(3), "06:00:00"));

		UsageQueries.Usage counted = assertUsageMatchesHistory(DAY_1, DAY_1.plusDays(3));

		assertThat(counted.days()).hasSize(4);
		assertThat(counted.days().get(1).sessionTime()).isEqualTo(Duration.ofDays(1));
		assertThat(counted.days().get(3).sessionTime()).isBetween(Duration.ofHours(6),
				Duration.ofHours(6).plusSeconds(5));
		assertActivityMatchesHistory(72, 5, Set.of("fake"));
	}

	@Test
	void manySessionsChangedAtOnceAreCountedOnceEach() throws Exception {
		at(on(DAY_1, "23:55:00"));
		this.provider.faults((op, key) -> (new Random(key.hashCode() + op.ordinal()).nextInt(6) == 0)
				? ((op == Op.OPEN) ? Fault.LOST_ANSWER : Fault.UNREACHABLE) : Fault.NONE);
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> parties = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int party = t;
				parties.add(pool.submit(() -> {
					Random random = new Random(party);
					for (int i = 0; i < 40; i++) {
						String client = "svc-" + random.nextInt(3);
						String scope = "p" + random.nextInt(2);
						String id = "s-" + random.nextInt(12);
						try {
							if (random.nextBoolean()) {
								open(this.provider, client, scope, id);
							}
							else {
								end(this.provider, scope, id);
							}
						}
						catch (SessionAlreadyActiveException | IllegalStateException ex) {
							// a normal answer, or a lost create that is left to be ended
						}
						if (party == 0 && i == 20) {
							// midnight passes while the others go on
							at(on(DAY_1.plusDays(1), "00:00:01"));
						}
					}
					return null;
				}));
			}
			for (Future<?> party : parties) {
				party.get(120, TimeUnit.SECONDS);
			}
		}
		this.provider.faults((op, key) -> Fault.NONE);
		this.clock.advance(Duration.ofMinutes(10));
		endDueInBackground();

		assertUsageMatchesHistory(DAY_1, DAY_1.plusDays(1));
		assertActivityMatchesHistory(4, 2, Set.of("fake"));
		assertThat(UsageRecount.held(this.jdbc)).as("sessions were held").isNotEmpty();
	}

	@Test
	void aChangeRolledBackToItsSavepointTakesItsCountsWithIt() {
		at(on(DAY_1, "10:00:00"));
		open(this.provider, "svc", "p1", "kept");
		long id = row("kept").getId();
		at(on(DAY_1, "11:00:00"));

		new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
			Object savepoint = status.createSavepoint();
			this.store.claimAndChange("select id from tracked_session where id = ? fetch first ? rows only",
					List.of(id), 1, (session, history) -> {
						history.accept(session.endedByProvider(EndReason.PROVIDER_ENDED, "fake", this.clock.instant()));
						return true;
					});
			status.rollbackToSavepoint(savepoint);
		});

		assertThat(row("kept").getStatus()).isEqualTo(SessionStatus.ACTIVE);
		assertUsageMatchesHistory(DAY_1, DAY_1);
		assertThat(assertActivityMatchesHistory(3, 1, Set.of("fake")).hourly())
			.allSatisfy((bucket) -> assertThat(bucket.ends()).isZero());
	}

}
