package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;

/**
 * Turns the changes the ledger commits into events for the client they concern, written
 * to the outbox in the same transaction: a session that ENDED (whoever ended it: the
 * client itself, the gateway, its provider, ops or a lease), one that EXPIRED, an end
 * flagged for a human, a lease that expired or was revoked. Each event carries the
 * session as ops see it, or the lease, and never a key, token or variable. Clients
 * without an event URL get none, and cost a set lookup.
 */
@Component
class CallerEvents {

	private final EventSubscribers subscribers;

	private final EventOutbox outbox;

	private final JsonMapper json;

	private final JdbcTemplate jdbc;

	private final SessionRows rows;

	CallerEvents(EventSubscribers subscribers, EventOutbox outbox, JsonMapper json, Ledger ledger, SessionRows rows) {
		this.subscribers = subscribers;
		this.outbox = outbox;
		this.json = json;
		this.jdbc = ledger.jdbc();
		this.rows = rows;
	}

	/**
	 * A change of one session row, with the history entries it wrote, in the transaction
	 * that writes them.
	 */
	void changed(Session session, List<SessionTransition> written) {
		if (written.isEmpty() || !this.subscribers.subscribed(session.getClient())) {
			return;
		}
		TrackedSession view = null;
		for (SessionTransition transition : written) {
			EventType type = type(transition);
			if (type == null) {
				continue;
			}
			if (view == null) {
				// as stored, to the database's precision: as ops read it
				Session stored = this.rows.find(session.getId()).orElse(session);
				view = stored.view(leaseExpiry(stored.getLeaseId()));
			}
			Instant at = transition.entry().at().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
			this.outbox.add(session.getClient(), type, session.getId(), session.getLeaseId(),
					payload(type, at, new SessionData(EventSession.of(view))), at);
		}
	}

	/**
	 * A lease stopped being live (EXPIRING, or REVOKING), in the transaction that moves
	 * it.
	 */
	void leaseEnded(Lease lease, Instant at) {
		if (!this.subscribers.subscribed(lease.client())) {
			return;
		}
		EventType type = (lease.state() == LeaseState.REVOKING) ? EventType.LEASE_REVOKED : EventType.LEASE_EXPIRED;
		Instant time = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
		this.outbox.add(lease.client(), type, null, lease.id(),
				payload(type, time, new LeaseData(EventLease.of(lease))), time);
	}

	private static @Nullable EventType type(SessionTransition transition) {
		HistoryEntry entry = transition.entry();
		if (entry.from() == entry.to()) {
			return transition.flagged() ? EventType.SESSION_END_FLAGGED : null;
		}
		return switch (entry.to()) {
			case ENDED -> EventType.SESSION_ENDED;
			case EXPIRED -> EventType.SESSION_EXPIRED;
			default -> null;
		};
	}

	private @Nullable Instant leaseExpiry(@Nullable String lease) {
		if (lease == null) {
			return null;
		}
		return this.jdbc
			.queryForList("select expires_at from lease where id = ?", java.time.OffsetDateTime.class, lease)
			.stream()
			.findFirst()
			.map(java.time.OffsetDateTime::toInstant)
			.orElse(null);
	}

	private String payload(EventType type, Instant at, Object data) {
		return this.json.writeValueAsString(new Envelope(type.wireName(), at, data));
	}

	/**
	 * The body of every event, as Standard Webhooks recommends: what happened, when, and
	 * its data.
	 */
	record Envelope(String type, Instant timestamp, Object data) {
	}

	record SessionData(EventSession session) {
	}

	record LeaseData(EventLease lease) {
	}

	/**
	 * A session as ops see it (the fields of the ops API's session view, history aside):
	 * never variables, tokens or keys.
	 */
	record EventSession(long id, String provider, String scope, @Nullable String sessionId, SessionStatus status,
			String client, Instant createdAt, Instant updatedAt, @Nullable Instant expiresAt, @Nullable Instant endedAt,
			@Nullable EndReason endReason, @Nullable String pathwayId, int attempts, @Nullable String lastError,
			@Nullable Instant nextAttemptAt, @Nullable Instant endingSince, @Nullable Instant flaggedAt,
			@Nullable Instant lastCheckedAt, @Nullable String lease, @Nullable Instant leaseExpiresAt) {

		static EventSession of(TrackedSession session) {
			return new EventSession(session.id(), session.provider(), session.scope(), session.sessionId(),
					session.status(), session.client(), session.createdAt(), session.updatedAt(), session.expiresAt(),
					session.endedAt(), session.endReason(), session.agent(), session.attempts(), session.lastError(),
					session.nextAttemptAt(), session.endingSince(), session.flaggedAt(), session.lastCheckedAt(),
					session.lease(), session.leaseExpiresAt());
		}

	}

	/** A lease as its client sees it; {@code ttl} as ISO-8601 ({@code PT30S}). */
	record EventLease(String id, String client, String ttl, Instant grantedAt, Instant expiresAt, LeaseState state) {

		static EventLease of(Lease lease) {
			return new EventLease(lease.id(), lease.client(), lease.ttl().toString(), lease.grantedAt(),
					lease.expiresAt(), lease.state());
		}

	}

}
