package dev.sessiongateway.ops;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.HistoryEntry;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.TrackedSession;

/**
 * A tracked session as ops staff see it: never variables, tokens or keys. The history is
 * only present when one session is read. {@code pathwayId} is the contract's name for
 * what runs the session at its provider (the ledger's {@code agent}). {@code lease} is
 * the lease the session is attached to, and {@code leaseExpiresAt} when that lease ends
 * it unless kept alive.
 */
record SessionView(long id, String provider, String scope, @Nullable String sessionId, SessionStatus status,
		String client, Instant createdAt, Instant updatedAt, @Nullable Instant expiresAt, @Nullable Instant endedAt,
		@Nullable EndReason endReason, @Nullable String pathwayId, int attempts, @Nullable String lastError,
		@Nullable Instant nextAttemptAt, @Nullable Instant endingSince, @Nullable Instant flaggedAt,
		@Nullable Instant lastCheckedAt, @Nullable String lease, @Nullable Instant leaseExpiresAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<HistoryEntry> history) {

	static SessionView of(TrackedSession session) {
		return of(session, null);
	}

	static SessionView of(TrackedSession session, @Nullable List<HistoryEntry> history) {
		return new SessionView(session.id(), session.provider(), session.scope(), session.sessionId(), session.status(),
				session.client(), session.createdAt(), session.updatedAt(), session.expiresAt(), session.endedAt(),
				session.endReason(), session.agent(), session.attempts(), session.lastError(), session.nextAttemptAt(),
				session.endingSince(), session.flaggedAt(), session.lastCheckedAt(), session.lease(),
				session.leaseExpiresAt(), history);
	}

}
