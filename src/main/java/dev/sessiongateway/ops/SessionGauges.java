package dev.sessiongateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.sessiongateway.tracking.ClientLimits;
import dev.sessiongateway.tracking.ClientUsage;
import dev.sessiongateway.tracking.SessionCaps;
import dev.sessiongateway.tracking.SessionCount;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionTracker;

/**
 * The ledger's state as gauges: live sessions by provider and status, the ENDING backlog,
 * the ends flagged overdue, and the age of the oldest ACTIVE session. They show the ops
 * stats' counts ({@link OpsStats}), and a scrape never waits for the database: counts
 * older than {@code gateway.ops.stats-max-age} are recounted in the background, at most
 * one count at a time, and the scrape shows the latest finished count. Only the first
 * scrape after start counts while it waits. Scopes are left out (the ops stats have
 * them), so the series are a few per provider; clients only appear for the caps they are
 * configured with, a few series each.
 */
@Component
class SessionGauges implements MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(SessionGauges.class);

	private final OpsStats stats;

	private final Set<String> providers;

	private final Map<String, Map<String, SessionCaps>> caps;

	private final Clock clock;

	private final Duration maxAge;

	private final Executor background;

	private final AtomicBoolean recounting = new AtomicBoolean();

	private volatile @Nullable Snapshot latest;

	@Autowired
	SessionGauges(OpsStats stats, SessionTracker tracker, ClientLimits limits, Clock clock, OpsProperties properties) {
		this(stats, tracker.providers(), limits.caps(), clock, properties.statsMaxAge(),
				(work) -> Thread.ofVirtual().name("session-gauges").start(work));
	}

	SessionGauges(OpsStats stats, Set<String> providers, Map<String, Map<String, SessionCaps>> caps, Clock clock,
			Duration maxAge, Executor background) {
		this.stats = stats;
		this.providers = Set.copyOf(providers);
		this.caps = Map.copyOf(caps);
		this.clock = clock;
		this.maxAge = maxAge;
		this.background = background;
	}

	/**
	 * Counts and their sums by provider and status, and each capped client's use by
	 * client and provider, taken together.
	 */
	private record Snapshot(OpsStats.Counts counts, Map<String, Long> live, Map<String, ClientUsage> usage) {

		static Snapshot of(OpsStats.Counts counts) {
			return new Snapshot(counts,
					counts.live()
						.stream()
						.collect(Collectors.groupingBy((count) -> key(count.provider(), count.status()),
								Collectors.summingLong(SessionCount::count))),
					counts.usage()
						.stream()
						.collect(Collectors.toMap((use) -> use.client() + '/' + use.provider(), (use) -> use)));
		}

		static String key(String provider, SessionStatus status) {
			return provider + '/' + status;
		}

	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (String provider : this.providers) {
			for (SessionStatus status : List.of(SessionStatus.OPENING, SessionStatus.ACTIVE, SessionStatus.ENDING)) {
				String key = Snapshot.key(provider, status);
				gauge(registry, "gateway.sessions.live",
						"Live sessions by provider and status, counted a few seconds ago",
						(snapshot) -> snapshot.live().getOrDefault(key, 0L))
					.tag("provider", provider)
					.tag("status", status.name())
					.register(registry);
			}
		}
		this.caps.forEach((client, byProvider) -> byProvider.forEach((provider, caps) -> {
			String key = client + '/' + provider;
			if (caps.maxLive() > 0) {
				gauge(registry, "gateway.clients.sessions.live",
						"Live sessions a client with a max-live cap has at a provider, counted a few seconds ago",
						(snapshot) -> used(snapshot, key, ClientUsage::live))
					.tag("client", client)
					.tag("provider", provider)
					.register(registry);
				Gauge.builder("gateway.clients.sessions.max.live", caps, SessionCaps::maxLive)
					.description("The client's max-live cap at the provider")
					.tag("client", client)
					.tag("provider", provider)
					.register(registry);
			}
			if (caps.opensPerMinute() > 0) {
				gauge(registry, "gateway.clients.opens.left",
						"Opens left in the client's allowance at the provider, counted a few seconds ago",
						(snapshot) -> used(snapshot, key, ClientUsage::opensLeft))
					.tag("client", client)
					.tag("provider", provider)
					.register(registry);
				Gauge.builder("gateway.clients.opens.per.minute", caps, SessionCaps::opensPerMinute)
					.description("The client's opens-per-minute cap at the provider")
					.tag("client", client)
					.tag("provider", provider)
					.register(registry);
			}
		}));
		gauge(registry, "gateway.sessions.end.backlog", "Sessions ENDING: ends the providers have not confirmed yet",
				(snapshot) -> snapshot.counts().endingBacklog())
			.register(registry);
		gauge(registry, "gateway.sessions.end.overdue",
				"Ends flagged for a human (unconfirmed past the end deadline) and still ENDING",
				(snapshot) -> snapshot.counts().flaggedEnds())
			.register(registry);
		gauge(registry, "gateway.sessions.oldest.active.age", "Age of the oldest ACTIVE session (0 when none)",
				this::oldestActiveAge)
			.baseUnit("seconds")
			.register(registry);
	}

	private Gauge.Builder<SessionGauges> gauge(MeterRegistry registry, String name, String description,
			ToDoubleFunction<Snapshot> value) {
		return Gauge.builder(name, this, (gauges) -> {
			Snapshot snapshot = gauges.snapshot();
			return (snapshot != null) ? value.applyAsDouble(snapshot) : Double.NaN;
		}).description(description);
	}

	private static double used(Snapshot snapshot, String key, ToDoubleFunction<ClientUsage> value) {
		ClientUsage use = snapshot.usage().get(key);
		return (use != null) ? value.applyAsDouble(use) : Double.NaN;
	}

	private double oldestActiveAge(Snapshot snapshot) {
		Instant oldest = snapshot.counts().oldestActiveCreatedAt();
		return (oldest != null) ? Math.max(0, Duration.between(oldest, this.clock.instant()).toSeconds()) : 0;
	}

	/**
	 * The latest counts; when they are older than the maximum age, a recount starts in
	 * the background (unless one is running) and these are answered meanwhile.
	 */
	@Nullable Snapshot snapshot() {
		Snapshot current = this.latest;
		if (current == null) {
			return recount();
		}
		boolean stale = current.counts().countedAt().plus(this.maxAge).isBefore(this.clock.instant())
				|| this.maxAge.isZero();
		if (stale && this.recounting.compareAndSet(false, true)) {
			try {
				this.background.execute(() -> {
					try {
						recount();
					}
					finally {
						this.recounting.set(false);
					}
				});
			}
			catch (RuntimeException ex) {
				this.recounting.set(false);
				log.warn("the session gauges could not start a recount: {}", ex.toString());
			}
		}
		return current;
	}

	private @Nullable Snapshot recount() {
		try {
			Snapshot counted = Snapshot.of(this.stats.counts());
			this.latest = counted;
			return counted;
		}
		catch (RuntimeException ex) {
			log.warn("the session gauges could not count the ledger: {}", ex.getMessage());
			return this.latest;
		}
	}

}
