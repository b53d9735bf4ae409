package dev.sessiongateway.tracking;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The ledger's counters, each tagged by provider: opens and ends by outcome, end calls
 * in-line and in the background, and what background work settled. A counter is built the
 * first time it counts and kept, so counting costs a map lookup and an increment.
 */
@Component
final class SessionMeters {

	/** How an open came out. */
	enum Open {

		/** The provider confirmed; the session is ACTIVE. */
		CONFIRMED,
		/** The provider refused the request; the row is FAILED. */
		REFUSED,
		/**
		 * The provider could not be asked, or certainly did nothing; the row is FAILED.
		 */
		FAILED,
		/**
		 * The provider may have opened it: it is ended, or FAILED when no id is known.
		 */
		UNCERTAIN,
		/** A live session holds the id; the provider was not called. */
		DUPLICATE,
		/** Over one of the client's caps; the provider was not called. */
		LIMITED

	}

	/** How an end a caller or ops asked for came out. */
	enum End {

		/** The provider confirmed while the caller waited. */
		ENDED,
		/** The provider refused the end. */
		REFUSED,
		/** Not confirmed yet (202): background work carries it out. */
		PENDING,
		/** Another party had ended the session already. */
		ALREADY_ENDED

	}

	/** What a provider said to one end call. */
	enum Attempt {

		CONFIRMED, REFUSED, FAILED;

		static Attempt of(ProviderOutcome<?> outcome) {
			return switch (outcome) {
				case ProviderOutcome.Confirmed<?> confirmed -> CONFIRMED;
				case ProviderOutcome.Refused<?> refused -> REFUSED;
				case ProviderOutcome.Failed<?> failed -> FAILED;
				case ProviderOutcome.Uncertain<?> uncertain -> FAILED;
			};
		}

	}

	private final Family opens;

	private final Family uncertainOpens;

	private final Family abandonedOpens;

	private final Family keyedOpens;

	private final Family ends;

	private final Family attempts;

	private final Family flagged;

	private final Family untrackedEnds;

	private final Family repeatEnds;

	private final Family expired;

	private final Family reconciled;

	private final Family compensationChecks;

	private final Counter purged;

	private final Counter leasesGranted;

	private final Counter leasesExpired;

	private final Counter leasesRevoked;

	private final Counter leaseSessionsExpired;

	private final Counter leaseSessionsRevoked;

	SessionMeters(MeterRegistry registry) {
		this.opens = new Family(registry, "gateway.sessions.opens", "Session opens by outcome", "outcome",
				names(Open.values()));
		this.uncertainOpens = new Family(registry, "gateway.sessions.open.uncertain",
				"Opens the provider may have carried out: ended to be safe (compensate), or FAILED without an id",
				"action", "compensate", "failed");
		this.abandonedOpens = new Family(registry, "gateway.sessions.open.abandoned",
				"Opens left unfinished by a stopped gateway, settled by background work", "action", "compensate",
				"failed");
		this.keyedOpens = new Family(registry, "gateway.sessions.open.key.held",
				"Opens whose idempotency key an earlier request of the client holds, so the provider was not called: "
						+ "answered again (answered), refused while that request is in flight (in_flight) or as "
						+ "another request (other_request), or with the answer lost (answer_lost)",
				"use", names(IdempotencyKeyUsedException.Use.values()));
		this.ends = new Family(registry, "gateway.sessions.ends",
				"Session ends asked for by callers and ops, by outcome", "outcome", names(End.values()));
		this.attempts = new Family(registry, "gateway.sessions.end.attempts",
				"End calls to providers, while the caller waits (inline) or in the background, by outcome",
				attemptTags());
		this.flagged = new Family(registry, "gateway.sessions.end.flagged",
				"Ends still unconfirmed past the end deadline, flagged for a human", new String[1][0]);
		this.untrackedEnds = new Family(registry, "gateway.sessions.untracked.ends",
				"Ends of sessions the gateway never tracked, forwarded anyway", new String[1][0]);
		this.repeatEnds = new Family(registry, "gateway.sessions.repeat.ends",
				"Ends of sessions the gateway had already recorded ended, forwarded anyway", new String[1][0]);
		this.expired = new Family(registry, "gateway.sessions.expired",
				"Sessions ended for their maximum age (max_age) or past their provider's expiry (provider_expiry)",
				"reason", "max_age", "provider_expiry");
		this.reconciled = new Family(registry, "gateway.sessions.reconciled",
				"Active sessions checked with their provider, by what it said", "outcome", "alive", "over", "refused",
				"failed");
		this.compensationChecks = new Family(registry, "gateway.sessions.compensation.checks",
				"Ended creates of unknown outcome asked about again once the create could no longer land "
						+ "(check: verify before the row is ENDED, recheck by reconciliation later): gone, or live "
						+ "(it landed after its end, and is ended again)",
				compensationTags());
		this.leasesGranted = Counter.builder("gateway.leases.granted")
			.description("Leases granted, by clients and for sessions of clients with a default lease")
			.register(registry);
		this.leasesExpired = Counter.builder("gateway.leases.ended")
			.description("Leases that ended: expired (not kept alive) or revoked by their client")
			.tag("reason", "expired")
			.register(registry);
		this.leasesRevoked = Counter.builder("gateway.leases.ended")
			.description("Leases that ended: expired (not kept alive) or revoked by their client")
			.tag("reason", "revoked")
			.register(registry);
		this.leaseSessionsExpired = Counter.builder("gateway.leases.sessions.ended")
			.description("Sessions moved to their end because their lease ended: expired or revoked")
			.tag("reason", "expired")
			.register(registry);
		this.leaseSessionsRevoked = Counter.builder("gateway.leases.sessions.ended")
			.description("Sessions moved to their end because their lease ended: expired or revoked")
			.tag("reason", "revoked")
			.register(registry);
		this.purged = Counter.builder("gateway.sessions.purged")
			.description("Finished sessions deleted after their retention")
			.register(registry);
	}

	void opened(String provider, Open outcome) {
		this.opens.increment(provider, outcome.ordinal(), 1);
	}

	/** An open whose idempotency key an earlier request holds. */
	void keyHeld(String provider, IdempotencyKeyUsedException.Use use) {
		this.keyedOpens.increment(provider, use.ordinal(), 1);
	}

	/** An open whose outcome is unknown: ended at the provider, or FAILED. */
	void openUncertain(String provider, boolean compensated) {
		this.uncertainOpens.increment(provider, compensated ? 0 : 1, 1);
	}

	/** An open left OPENING by a stopped gateway, settled by background work. */
	void openAbandoned(String provider, boolean compensated) {
		this.abandonedOpens.increment(provider, compensated ? 0 : 1, 1);
	}

	void endRequested(String provider, End outcome) {
		this.ends.increment(provider, outcome.ordinal(), 1);
	}

	void endAttempt(String provider, boolean background, Attempt outcome) {
		this.attempts.increment(provider, (background ? Attempt.values().length : 0) + outcome.ordinal(), 1);
	}

	void flagged(String provider) {
		this.flagged.increment(provider, 0, 1);
	}

	/** An end of a session the gateway holds no live row for. */
	void untrackedEnd(String provider, boolean endedBefore) {
		(endedBefore ? this.repeatEnds : this.untrackedEnds).increment(provider, 0, 1);
	}

	void expired(String provider, boolean maxAge, int sessions) {
		this.expired.increment(provider, maxAge ? 0 : 1, sessions);
	}

	/**
	 * A reconciliation: {@code alive}, {@code over}, {@code refused} or {@code failed}.
	 */
	void reconciled(String provider, String outcome) {
		int index = switch (outcome) {
			case "alive" -> 0;
			case "over" -> 1;
			case "refused" -> 2;
			default -> 3;
		};
		this.reconciled.increment(provider, index, 1);
	}

	/**
	 * A compensated create asked about again: at its verification or at a later
	 * reconciliation ({@code recheck}), found {@code live} or gone.
	 */
	void compensationChecked(String provider, boolean recheck, boolean live) {
		this.compensationChecks.increment(provider, (recheck ? 2 : 0) + (live ? 1 : 0), 1);
	}

	void leaseGranted() {
		this.leasesGranted.increment();
	}

	/** Leases that expired (not kept alive). */
	void leasesExpired(int leases) {
		this.leasesExpired.increment(leases);
	}

	/** A revoked lease, or sessions moved to their end by an ended lease. */
	void leaseEnded(boolean expired, long sessions) {
		if (!expired) {
			this.leasesRevoked.increment();
		}
		(expired ? this.leaseSessionsExpired : this.leaseSessionsRevoked).increment(sessions);
	}

	void purged(int rows) {
		this.purged.increment(rows);
	}

	private static String[] names(Enum<?>[] values) {
		String[] names = new String[values.length];
		for (Enum<?> value : values) {
			names[value.ordinal()] = value.name().toLowerCase(Locale.ROOT);
		}
		return names;
	}

	private static String[][] compensationTags() {
		return new String[][] { { "check", "verify", "outcome", "gone" }, { "check", "verify", "outcome", "live" },
				{ "check", "recheck", "outcome", "gone" }, { "check", "recheck", "outcome", "live" } };
	}

	private static String[][] attemptTags() {
		String[] outcomes = names(Attempt.values());
		String[][] tags = new String[2 * outcomes.length][];
		for (int i = 0; i < outcomes.length; i++) {
			tags[i] = new String[] { "mode", "inline", "outcome", outcomes[i] };
			tags[outcomes.length + i] = new String[] { "mode", "background", "outcome", outcomes[i] };
		}
		return tags;
	}

	/**
	 * The counters of one name: one per provider and tag combination, built on first use.
	 */
	private static final class Family {

		private final MeterRegistry registry;

		private final String name;

		private final String description;

		private final String[][] tags;

		private final ConcurrentMap<String, AtomicReferenceArray<Counter>> byProvider = new ConcurrentHashMap<>();

		/** One tag with these values. */
		Family(MeterRegistry registry, String name, String description, String tag, String... values) {
			this(registry, name, description, single(tag, values));
		}

		/** One tag combination per index (none when empty). */
		Family(MeterRegistry registry, String name, String description, String[][] tags) {
			this.registry = registry;
			this.name = name;
			this.description = description;
			this.tags = tags;
		}

		private static String[][] single(String tag, String[] values) {
			String[][] tags = new String[values.length][];
			for (int i = 0; i < values.length; i++) {
				tags[i] = new String[] { tag, values[i] };
			}
			return tags;
		}

		void increment(String provider, int index, double amount) {
			AtomicReferenceArray<Counter> counters = this.byProvider.get(provider);
			if (counters == null) {
				counters = this.byProvider.computeIfAbsent(provider,
						(key) -> new AtomicReferenceArray<>(this.tags.length));
			}
			Counter counter = counters.get(index);
			if (counter == null) {
				// the registry hands out one counter per id, so a race builds no second
				// one
				counter = Counter.builder(this.name)
					.description(this.description)
					.tag("provider", provider)
					.tags(this.tags[index])
					.register(this.registry);
				counters.set(index, counter);
			}
			counter.increment(amount);
		}

	}

}
