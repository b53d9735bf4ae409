package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.tracking.FakeProvider.Fault;
import dev.sessiongateway.tracking.FakeProvider.Op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Events to callers on whichever database a subclass runs: each kind is written to the
 * outbox by the transaction that makes the change it tells of, or not at all, and only
 * for clients with an event URL; delivery claims them one by one as ends are claimed.
 * Time moves with the test clock.
 */
abstract class EventOutboxContract extends LedgerTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration CLAIM = Duration.ofSeconds(40);

	@Autowired
	EventOutbox outbox;

	@Autowired
	dev.sessiongateway.ledger.Ledger ledger;

	@BeforeEach
	void subscribe() {
		this.subscribers.add("svc");
	}

	private long open(String client, String sessionId) {
		this.tracker.open(this.provider, new OpenIntent("p", sessionId, new byte[0]), client);
		return this.sessions.findByLiveKey(new SessionKey("fake", "p", sessionId).liveKey()).orElseThrow().getId();
	}

	private EndResult<String> end(String client, String sessionId) {
		return this.tracker.end(this.provider, new SessionKey("fake", "p", sessionId), client, EndReason.CLIENT);
	}

	/** The outbox as stored, oldest first: type, client and the payload read. */
	private List<Stored> stored() {
		return this.jdbc.query(
				"select event_id, client, event_type, session_ref, lease_id, payload, status from event_outbox order by id",
				(rs, row) -> new Stored(rs.getString("event_id"), rs.getString("client"), rs.getString("event_type"),
						rs.getObject("session_ref", Long.class), rs.getString("lease_id"),
						JSON.readTree(rs.getString("payload")), rs.getString("status")));
	}

	record Stored(String eventId, String client, String type, Long sessionRef, String lease, JsonNode payload,
			String status) {
	}

	@Test
	void anEndedSessionIsToldWithTheSessionAsOpsSeeIt() {
		long id = open("svc", "s-1");
		this.clock.advance(Duration.ofSeconds(5));
		Instant before = this.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);

		end("svc", "s-1");
		Instant after = this.clock.instant();

		assertThat(stored()).singleElement().satisfies((event) -> {
			assertThat(event.type()).isEqualTo("session.ended");
			assertThat(event.client()).isEqualTo("svc");
			assertThat(event.sessionRef()).isEqualTo(id);
			assertThat(event.status()).isEqualTo("PENDING");
			assertThat(event.eventId()).matches("evt_[A-Za-z0-9_-]{22}");
			JsonNode payload = event.payload();
			assertThat(payload.propertyNames()).containsExactly("type", "timestamp", "data");
			assertThat(payload.path("type").asString()).isEqualTo("session.ended");
			assertThat(Instant.parse(payload.path("timestamp").asString())).isBetween(before, after);
			JsonNode session = payload.path("data").path("session");
			assertThat(session.propertyNames()).containsExactly("id", "provider", "scope", "sessionId", "status",
					"client", "createdAt", "updatedAt", "expiresAt", "endedAt", "endReason", "pathwayId", "attempts",
					"lastError", "nextAttemptAt", "endingSince", "flaggedAt", "lastCheckedAt", "lease",
					"leaseExpiresAt");
			assertThat(session.path("id").asLong()).isEqualTo(id);
			assertThat(session.path("sessionId").asString()).isEqualTo("s-1");
			assertThat(session.path("status").asString()).isEqualTo("ENDED");
			assertThat(session.path("endReason").asString()).isEqualTo("CLIENT");
		});
	}

	@Test
	void everyKindIsWrittenForTheClientItConcerns() {
		// session.ended, by the gateway: past its maximum age
		open("svc", "old");
		this.clock.advance(Duration.ofHours(3));
		this.upkeep.endOverAge("fake", Duration.ofHours(2), 100);
		endDueInBackground();
		// session.expired: past the expiry its provider gave it
		long expiring = open("svc", "expiring");
		this.jdbc.update("update tracked_session set expires_at = ? where id = ?",
				this.clock.instant().plusSeconds(60).atOffset(java.time.ZoneOffset.UTC), expiring);
		this.clock.advance(Duration.ofMinutes(2));
		this.upkeep.expirePastExpiry(100);
		// session.end_flagged: an end the provider does not confirm past its deadline
		open("svc", "stuck");
		this.provider.faults((op, key) -> (op == Op.END) ? Fault.UNREACHABLE : Fault.NONE);
		end("svc", "stuck");
		this.clock.advance(Duration.ofMinutes(31));
		endDueInBackground();
		this.provider.faults((op, key) -> Fault.NONE);
		// lease.expired and lease.revoked
		Lease expired = this.leases.grant("svc", Duration.ofSeconds(30));
		Lease revoked = this.leases.grant("svc", Duration.ofMinutes(5));
		this.clock.advance(Duration.ofSeconds(31));
		this.upkeep.expireLeases(100);
		this.leases.revoke("svc", revoked.id());

		List<Stored> events = stored();
		assertThat(events).extracting(Stored::type)
			.containsExactly("session.ended", "session.expired", "session.end_flagged", "lease.expired",
					"lease.revoked");
		assertThat(events.get(0).payload().path("data").path("session").path("endReason").asString())
			.isEqualTo("EXPIRED_TTL");
		assertThat(events.get(1).payload().path("data").path("session").path("status").asString()).isEqualTo("EXPIRED");
		JsonNode flagged = events.get(2).payload().path("data").path("session");
		assertThat(flagged.path("status").asString()).isEqualTo("ENDING");
		assertThat(flagged.path("flaggedAt").isNull()).isFalse();
		assertThat(events.get(3).lease()).isEqualTo(expired.id());
		assertThat(events.get(3).payload().path("data").path("lease").path("state").asString()).isEqualTo("EXPIRING");
		assertThat(events.get(3).payload().path("data").path("lease").path("ttl").asString()).isEqualTo("PT30S");
		assertThat(events.get(4).lease()).isEqualTo(revoked.id());
		assertThat(events.get(4).payload().path("data").path("lease").path("state").asString()).isEqualTo("REVOKING");
		assertThat(events).allSatisfy((event) -> assertThat(event.client()).isEqualTo("svc"));
	}

	@Test
	void aClientWithoutAnEventUrlIsToldNothing() {
		open("quiet", "s-1");
		end("quiet", "s-1");
		this.leases.revoke("quiet", this.leases.grant("quiet", Duration.ofMinutes(1)).id());

		assertThat(stored()).isEmpty();
	}

	@Test
	void theEventIsWrittenByTheTransactionOfItsChangeOrNeither() {
		long id = open("svc", "s-1");
		this.jdbc.execute("alter table event_outbox rename to event_outbox_away");
		try {
			assertThatExceptionOfType(TrackingUnavailableException.class).isThrownBy(() -> end("svc", "s-1"));
			assertThat(this.sessions.findById(id).orElseThrow().getStatus()).as("no end recorded without its event")
				.isEqualTo(SessionStatus.ENDING);
		}
		finally {
			this.jdbc.execute("alter table event_outbox_away rename to event_outbox");
		}
		assertThat(stored()).isEmpty();

		this.clock.advance(Duration.ofMinutes(5));
		endDueInBackground();

		assertThat(this.sessions.findById(id).orElseThrow().getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(stored()).extracting(Stored::type).containsExactly("session.ended");
	}

	@Test
	void aClaimedEventIsLeftToItsClaimUntilTheLeaseRunsOutThenTriedAgainWithTheSameId() {
		open("svc", "s-1");
		end("svc", "s-1");
		Instant now = this.clock.instant();

		List<OutboxEvent> first = this.outbox.claimDue(now, 10, now.plus(CLAIM));
		assertThat(first).singleElement().satisfies((event) -> {
			assertThat(event.attempts()).isEqualTo(1);
			assertThat(event.type()).isEqualTo(EventType.SESSION_ENDED);
			assertThat(JSON.readTree(event.payload()).path("type").asString()).isEqualTo("session.ended");
		});
		assertThat(this.outbox.claimDue(now, 10, now.plus(CLAIM))).as("claimed, lease running").isEmpty();

		this.clock.advance(CLAIM.plusSeconds(1));
		now = this.clock.instant();
		List<OutboxEvent> again = this.outbox.claimDue(now, 10, now.plus(CLAIM));
		assertThat(again).singleElement().satisfies((event) -> {
			assertThat(event.eventId()).isEqualTo(first.get(0).eventId());
			assertThat(event.payload()).isEqualTo(first.get(0).payload());
			assertThat(event.attempts()).isEqualTo(2);
		});
		assertThat(this.outbox.delivered(first.get(0), now)).as("the first claim ran out").isFalse();
		assertThat(this.outbox.delivered(again.get(0), now)).isTrue();
		assertThat(stored()).extracting(Stored::status).containsExactly("DELIVERED");
		this.clock.advance(Duration.ofHours(1));
		assertThat(this.outbox.claimDue(this.clock.instant(), 10, this.clock.instant().plus(CLAIM))).isEmpty();
	}

	@Test
	void twoReplicasClaimingAtOnceNeverTakeTheSameEventAndNeitherWaitsForTheOther() throws Exception {
		for (String id : List.of("s-1", "s-2", "s-3")) {
			open("svc", id);
			end("svc", id);
		}
		Instant now = this.clock.instant();
		java.util.concurrent.CountDownLatch firstHolds = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch secondDone = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.ExecutorService replicas = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			// the first replica claims one event and keeps its transaction open
			java.util.concurrent.Future<List<OutboxEvent>> first = replicas.submit(() -> this.ledger.transaction(() -> {
				List<OutboxEvent> claimed = this.outbox.claimDue(now, 1, now.plus(CLAIM));
				firstHolds.countDown();
				await(secondDone);
				return claimed;
			}));
			await(firstHolds);
			// the second claims while the first still holds its row uncommitted
			java.util.concurrent.Future<List<OutboxEvent>> second = replicas
				.submit(() -> this.outbox.claimDue(now, 10, now.plus(CLAIM)));
			List<OutboxEvent> secondClaimed = second.get(10, java.util.concurrent.TimeUnit.SECONDS);
			secondDone.countDown();
			List<OutboxEvent> firstClaimed = first.get(10, java.util.concurrent.TimeUnit.SECONDS);

			assertThat(firstClaimed).hasSize(1);
			assertThat(secondClaimed).as("none of the rows the first holds")
				.extracting(OutboxEvent::eventId)
				.doesNotContain(firstClaimed.get(0).eventId());
			// PostgreSQL gives the second the two rows the first did not take; H2 locks
			// every row the first one's query read, so they are left to the next claim
			List<OutboxEvent> third = this.outbox.claimDue(now, 10, now.plus(CLAIM));
			List<String> all = new java.util.ArrayList<>();
			for (List<OutboxEvent> claimed : List.of(firstClaimed, secondClaimed, third)) {
				claimed.forEach((event) -> all.add(event.eventId()));
			}
			assertThat(all).as("each event claimed once").doesNotHaveDuplicates().hasSize(3);
			assertThat(this.outbox.claimDue(now, 10, now.plus(CLAIM))).as("all three claimed, leases running")
				.isEmpty();
		}
		finally {
			secondDone.countDown();
			replicas.shutdownNow();
		}
	}

	private static void await(java.util.concurrent.CountDownLatch latch) {
		try {
			if (!latch.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
				throw new IllegalStateException("latch timed out");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aFailedAttemptIsDueAgainAtItsBackoffAndAGivenUpEventIsNotTriedAgain() {
		open("svc", "s-1");
		end("svc", "s-1");
		Instant now = this.clock.instant();
		OutboxEvent claimed = this.outbox.claimDue(now, 10, now.plus(CLAIM)).get(0);

		Instant due = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(7);
		assertThat(this.outbox.failed(claimed, "HTTP 500", due)).isTrue();
		assertThat(this.outbox.find(EventStatus.PENDING, "svc", null, 10)).singleElement().satisfies((entry) -> {
			assertThat(entry.lastError()).isEqualTo("HTTP 500");
			assertThat(entry.attempts()).isEqualTo(1);
			assertThat(entry.nextAttemptAt()).isEqualTo(due);
		});
		assertThat(this.outbox.claimDue(due.minusMillis(1), 10, now.plus(CLAIM))).isEmpty();
		OutboxEvent second = this.outbox.claimDue(due, 10, now.plus(CLAIM)).get(0);

		assertThat(this.outbox.gaveUp(second, "the receiver answered 410 Gone", now.plusSeconds(8))).isTrue();
		assertThat(this.outbox.find(EventStatus.FAILED, null, null, 10)).singleElement()
			.satisfies((entry) -> assertThat(entry.attempts()).isEqualTo(2));
		assertThat(this.outbox.claimDue(now.plus(Duration.ofDays(1)), 10, now.plus(Duration.ofDays(2)))).isEmpty();
		assertThat(this.outbox.count(EventStatus.FAILED)).isEqualTo(1);
		assertThat(this.outbox.purge(now.plus(Duration.ofDays(1)), 10)).isEqualTo(1);
		assertThat(stored()).isEmpty();
	}

}
