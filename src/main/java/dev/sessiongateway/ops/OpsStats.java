package dev.sessiongateway.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

import dev.sessiongateway.tracking.ClientCount;
import dev.sessiongateway.tracking.ClientUsage;
import dev.sessiongateway.tracking.SessionCount;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionStatus;

/**
 * The live counts of the stats view, counted at most once per
 * {@code gateway.ops.stats-max-age}: counting every live row on every call would cost
 * each caller as much as the table holds live sessions. Counts are never more than twice
 * that age old; {@link Counts#countedAt()} says when they were taken.
 */
@Component
class OpsStats {

	private final SessionQueries sessions;

	private final Clock clock;

	private final Duration maxAge;

	private final ReentrantLock counting = new ReentrantLock();

	private volatile @Nullable Counts last;

	OpsStats(SessionQueries sessions, Clock clock, OpsProperties properties) {
		this.sessions = sessions;
		this.clock = clock;
		this.maxAge = properties.statsMaxAge();
	}

	/**
	 * The live counts (by provider and scope, and by client), the end backlog, the
	 * flagged ends and the oldest ACTIVE session.
	 */
	record Counts(List<SessionCount> live, List<ClientCount> liveByClient, long endingBacklog, long flaggedEnds,
			@Nullable Instant oldestActiveCreatedAt, List<ClientUsage> usage, Instant countedAt) {
	}

	/**
	 * Counts at most {@code max-age} old, counted now if need be. While another call is
	 * counting, the previous counts are answered if they are at most twice that old.
	 */
	Counts counts() {
		Counts previous = this.last;
		if (previous != null && isYoungerThan(previous, this.maxAge)) {
			return previous;
		}
		if (previous != null && isYoungerThan(previous, this.maxAge.multipliedBy(2))) {
			if (!this.counting.tryLock()) {
				return previous;
			}
		}
		else {
			this.counting.lock();
		}
		try {
			Counts latest = this.last;
			if (latest != null && isYoungerThan(latest, this.maxAge)) {
				return latest;
			}
			Counts counted = count();
			this.last = counted;
			return counted;
		}
		finally {
			this.counting.unlock();
		}
	}

	private boolean isYoungerThan(Counts counts, Duration age) {
		return !age.isZero() && !counts.countedAt().plus(age).isBefore(this.clock.instant());
	}

	private Counts count() {
		Instant now = this.clock.instant();
		return new Counts(this.sessions.liveCounts(), this.sessions.liveCountsByClient(),
				this.sessions.count(SessionStatus.ENDING), this.sessions.flaggedEnds(),
				this.sessions.oldestActiveCreatedAt(), this.sessions.usage(), now);
	}

}
