package dev.sessiongateway.tracking;

import java.time.Instant;

/**
 * An event claimed for one delivery attempt. Its outcome is recorded only on the row as
 * the claim left it ({@code version}): once the claim's lease has run out another replica
 * may have taken it.
 *
 * @param id the outbox row
 * @param eventId the event's id, the same on every attempt ({@code webhook-id})
 * @param client the client the event is for
 * @param payload the body, exactly as it is to be signed and sent
 * @param createdAt when the change the event tells of was recorded
 * @param attempts the attempts made, this one included
 */
public record OutboxEvent(long id, String eventId, String client, EventType type, String payload, Instant createdAt,
		int attempts, long version) {

}
