package dev.sessiongateway.ops;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.Session;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionTransition;

/**
 * A tracked session as ops staff see it: never variables, tokens or keys. The history is
 * only present when one session is read.
 */
record SessionView(long id, String provider, String scope, @Nullable String sessionId, SessionStatus status,
		String client, Instant createdAt, Instant updatedAt, @Nullable Instant expiresAt, @Nullable Instant endedAt,
		@Nullable EndReason endReason, @Nullable String pathwayId, int attempts, @Nullable String lastError,
		@Nullable Instant nextAttemptAt, @Nullable Instant endingSince, @Nullable Instant flaggedAt,
		@Nullable Instant lastCheckedAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<HistoryEntry> history) {

	/** One state change in a session's history. */
	record HistoryEntry(@Nullable SessionStatus from, SessionStatus to, Instant at, @Nullable String actor,
			@Nullable EndReason reason, @Nullable String detail) {

		static HistoryEntry of(SessionTransition transition) {
			return new HistoryEntry(transition.getFromStatus(), transition.getToStatus(), transition.getAt(),
					transition.getActor(), transition.getReason(), transition.getDetail());
		}

	}

	static SessionView of(Session session) {
		return of(session, null);
	}

	static SessionView of(Session session, @Nullable List<SessionTransition> history) {
		return new SessionView(session.getId(), session.getProvider(), session.getScope(), session.getSessionId(),
				session.getStatus(), session.getClient(), session.getCreatedAt(), session.getUpdatedAt(),
				session.getExpiresAt(), session.getEndedAt(), session.getEndReason(), session.getPathwayId(),
				session.getAttempts(), session.getLastError(), session.getNextAttemptAt(), session.getEndingSince(),
				session.getFlaggedAt(), session.getLastCheckedAt(),
				(history != null) ? history.stream().map(HistoryEntry::of).toList() : null);
	}

}
