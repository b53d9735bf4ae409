package dev.sessiongateway.tracking;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An event to a caller as ops see it: where its delivery stands, never its payload's
 * secrets (it holds none) nor the client's event URL.
 *
 * @param id the outbox row
 * @param eventId the {@code webhook-id} every attempt carries
 * @param sessionRef the gateway's own id of the session it is about, if any
 * @param lease the lease it is about, or the session's lease
 * @param createdAt when the change it tells of was recorded
 * @param nextAttemptAt when a PENDING event is tried next
 * @param lastAttemptAt when the last attempt began
 * @param lastError why the last attempt failed, or why the gateway gave up
 * @param finishedAt when it was delivered or given up
 */
public record OutboxEntry(long id, String eventId, String client, EventType type, @Nullable Long sessionRef,
		@Nullable String lease, EventStatus status, Instant createdAt, int attempts, @Nullable Instant nextAttemptAt,
		@Nullable Instant lastAttemptAt, @Nullable String lastError, @Nullable Instant finishedAt) {

}
