package dev.sessiongateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sessiongateway.tracking.ClientUsage;
import dev.sessiongateway.tracking.SessionCaps;
import dev.sessiongateway.tracking.SessionCount;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The ledger's gauges read the ops stats' counts at a bounded cost: however often they
 * are scraped, the database is counted at most once per maximum age, a scrape never waits
 * for a recount once there are counts, and only one recount runs at a time.
 */
class SessionGaugesTests {

	private static final Duration MAX_AGE = Duration.ofSeconds(2);

	private final SessionQueries queries = mock(SessionQueries.class);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Queue<Runnable> recounts = new ArrayDeque<>();

	@BeforeEach
	void ledger() {
		given(this.queries.liveCounts()).willReturn(List.of(new SessionCount("pathors", "p-1", SessionStatus.ACTIVE, 3),
				new SessionCount("pathors", "p-2", SessionStatus.ACTIVE, 4),
				new SessionCount("pathors", "p-1", SessionStatus.ENDING, 2),
				new SessionCount("konpro", "acct", SessionStatus.OPENING, 1),
				new SessionCount("retired", "x", SessionStatus.ACTIVE, 9)));
		given(this.queries.count(SessionStatus.ENDING)).willReturn(2L);
		given(this.queries.flaggedEnds()).willReturn(1L);
		given(this.queries.oldestActiveCreatedAt()).willReturn(Instant.parse("2026-12-01T09:00:00Z"));
		given(this.queries.usage()).willReturn(List.of(new ClientUsage("ivr", "konpro", 48, 50, 0, 0),
				new ClientUsage("batch", "pathors", 3, 0, 12, 30)));
	}

	private SessionGauges gauges(Executor background) {
		OpsStats stats = new OpsStats(this.queries, this.clock, new OpsProperties(MAX_AGE));
		SessionGauges gauges = new SessionGauges(stats, Set.of("pathors", "konpro"), Map.of("ivr",
				Map.of("konpro", new SessionCaps(50, 0)), "batch", Map.of("pathors", new SessionCaps(0, 30))),
				this.clock, MAX_AGE, background);
		gauges.bindTo(this.registry);
		return gauges;
	}

	private double gauge(String name, String... tags) {
		return this.registry.get(name).tags(tags).gauge().value();
	}

	/** Reads every gauge, as one scrape does. */
	private void scrape() {
		this.registry.getMeters().forEach((meter) -> meter.measure().forEach((measurement) -> measurement.getValue()));
	}

	@Test
	void theGaugesShowLiveSessionsByProviderAndStatusTheBacklogAndTheOldestAge() {
		gauges(Runnable::run);

		assertThat(gauge("gateway.sessions.live", "provider", "pathors", "status", "ACTIVE")).isEqualTo(7);
		assertThat(gauge("gateway.sessions.live", "provider", "pathors", "status", "ENDING")).isEqualTo(2);
		assertThat(gauge("gateway.sessions.live", "provider", "pathors", "status", "OPENING")).isZero();
		assertThat(gauge("gateway.sessions.live", "provider", "konpro", "status", "OPENING")).isEqualTo(1);
		assertThat(gauge("gateway.sessions.end.backlog")).isEqualTo(2);
		assertThat(gauge("gateway.sessions.end.overdue")).isEqualTo(1);
		assertThat(gauge("gateway.sessions.oldest.active.age")).isEqualTo(3600);
		assertThat(this.registry.find("gateway.sessions.live").tags("provider", "retired").gauges()).isEmpty();
		assertThat(this.registry.find("gateway.sessions.live").tagKeys("client").gauges()).isEmpty();
		assertThat(this.registry.getMeters()).hasSize(13)
			.allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank())
			.allSatisfy((meter) -> assertThat(meter.getId().getType()).isEqualTo(Meter.Type.GAUGE));
	}

	@Test
	void eachCappedClientHasItsUseAndItsCapsAndOnlyForTheCapsItHas() {
		gauges(Runnable::run);

		assertThat(gauge("gateway.clients.sessions.live", "client", "ivr", "provider", "konpro")).isEqualTo(48);
		assertThat(gauge("gateway.clients.sessions.max.live", "client", "ivr", "provider", "konpro")).isEqualTo(50);
		assertThat(gauge("gateway.clients.opens.left", "client", "batch", "provider", "pathors")).isEqualTo(12);
		assertThat(gauge("gateway.clients.opens.per.minute", "client", "batch", "provider", "pathors")).isEqualTo(30);
		assertThat(this.registry.find("gateway.clients.opens.left").tags("client", "ivr").gauges()).isEmpty();
		assertThat(this.registry.find("gateway.clients.sessions.live").tags("client", "batch").gauges()).isEmpty();
	}

	@Test
	void scrapesCountTheLedgerAtMostOncePerMaximumAge() {
		gauges(Runnable::run);

		for (int i = 0; i < 100; i++) {
			scrape();
		}
		verify(this.queries, times(1)).liveCounts();

		this.clock.advance(MAX_AGE.plusMillis(1));
		for (int i = 0; i < 100; i++) {
			scrape();
		}
		verify(this.queries, times(2)).liveCounts();
		verify(this.queries, times(2)).count(SessionStatus.ENDING);
	}

	@Test
	void aScrapeDoesNotWaitForARecountAndOnlyOneRuns() {
		gauges(this.recounts::add);
		scrape();
		verify(this.queries, times(1)).liveCounts();

		this.clock.advance(MAX_AGE.plusMillis(1));
		given(this.queries.count(SessionStatus.ENDING)).willReturn(5L);
		for (int i = 0; i < 20; i++) {
			scrape();
		}

		assertThat(this.recounts).as("one recount started, none waited for").hasSize(1);
		verify(this.queries, times(1)).liveCounts();
		assertThat(gauge("gateway.sessions.end.backlog")).isEqualTo(2);
		this.recounts.remove().run();
		assertThat(gauge("gateway.sessions.end.backlog")).isEqualTo(5);
		assertThat(gauge("gateway.sessions.oldest.active.age")).isEqualTo(3602);
	}

	@Test
	void aLedgerThatCannotBeCountedLeavesTheLastCounts() {
		gauges(Runnable::run);
		scrape();
		given(this.queries.liveCounts()).willThrow(new IllegalStateException("database down"));
		this.clock.advance(MAX_AGE.plusMillis(1));

		assertThat(gauge("gateway.sessions.live", "provider", "pathors", "status", "ACTIVE")).isEqualTo(7);
	}

	@Test
	void beforeAnyCountTheGaugesShowNothingRatherThanZero() {
		given(this.queries.liveCounts()).willThrow(new IllegalStateException("database down"));
		gauges(Runnable::run);

		assertThat(gauge("gateway.sessions.end.backlog")).isNaN();
	}

	/** A clock a test moves on. */
	static final class MutableClock extends Clock {

		private Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
