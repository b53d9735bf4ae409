package dev.sessiongateway.tracking;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A tracked session as other packages read it: never variables, tokens or keys.
 *
 * @param id the gateway's own id of the row
 * @param agent what runs the session at its provider, as the provider named it
 * @param nextAttemptAt when an ENDING session's end is tried next
 * @param endingSince when the session last became ENDING
 * @param flaggedAt when an end past its deadline was flagged for a human
 * @param lastCheckedAt when the provider was last asked whether the session lives
 * @param lease the lease the session is attached to, if any
 * @param leaseExpiresAt when that lease expires unless it is kept alive
 */
public record TrackedSession(long id, String provider, String scope, @Nullable String sessionId, SessionStatus status,
		String client, Instant createdAt, Instant updatedAt, @Nullable Instant expiresAt, @Nullable Instant endedAt,
		@Nullable EndReason endReason, @Nullable String agent, int attempts, @Nullable String lastError,
		@Nullable Instant nextAttemptAt, @Nullable Instant endingSince, @Nullable Instant flaggedAt,
		@Nullable Instant lastCheckedAt, @Nullable String lease, @Nullable Instant leaseExpiresAt) {

}
