package dev.sessiongateway.tracking;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Leases on whichever database a subclass runs: sessions attached to a lease end with it,
 * whether it expires or is revoked, and a keep-alive renews them all at once. Time moves
 * with the test clock; background work runs as the worker runs it.
 */
abstract class LeaseContract extends LedgerTestSupport {

	static final String SCOPE = "proj-a";

	private static final Duration TTL = Duration.ofSeconds(30);

	private Opened<String> open(String sessionId, OpenTerms terms) {
		return this.tracker.open(this.provider, new OpenIntent(SCOPE, sessionId, new byte[0]), "svc", terms);
	}

	private Session row(String sessionId) {
		return this.sessions.findAll()
			.stream()
			.filter((session) -> sessionId.equals(session.getSessionId()))
			.reduce((first, second) -> second)
			.orElseThrow();
	}

	/** Background work as the worker runs it: leases, then the ends that are due. */
	private void background() {
		this.upkeep.expireLeases(100);
		this.upkeep.endLeaseSessions(100, 20);
		endDueInBackground();
	}

	@Test
	void aLeaseNotKeptAliveEndsAllItsSessions() {
		Lease lease = this.leases.grant("svc", TTL);
		for (int i = 0; i < 5; i++) {
			assertThat(open("s-" + i, new OpenTerms(lease.id(), null)).lease()).isEqualTo(lease.id());
		}
		Opened<String> free = open("free", OpenTerms.NONE);
		assertThat(free.lease()).isNull();
		this.clock.advance(TTL.minusSeconds(1));
		background();
		assertThat(this.provider.live()).as("before it expires").hasSize(6);

		this.clock.advance(Duration.ofSeconds(2));
		background();

		assertThat(this.provider.live()).containsExactly(FakeProvider.key(SCOPE, "free"));
		for (int i = 0; i < 5; i++) {
			assertThat(row("s-" + i).getStatus()).isEqualTo(SessionStatus.ENDED);
			assertThat(row("s-" + i).getEndReason()).isEqualTo(EndReason.LEASE_EXPIRED);
		}
		assertThat(this.leases.read("svc", lease.id()).lease().state()).isEqualTo(LeaseState.DONE);
		assertThat(this.meters.get("gateway.leases.sessions.ended").tag("reason", "expired").counter().count())
			.isGreaterThanOrEqualTo(5);
	}

	@Test
	void aLeaseKeptAliveEndsNoneAndOneKeepAliveRenewsEverySession() {
		Lease lease = this.leases.grant("svc", TTL);
		for (int i = 0; i < 3; i++) {
			open("s-" + i, new OpenTerms(lease.id(), null));
		}
		for (int round = 0; round < 4; round++) {
			this.clock.advance(TTL.minusSeconds(5));
			java.time.Instant before = this.clock.instant();
			Lease kept = this.leases.keepAlive("svc", lease.id());
			assertThat(kept.expiresAt()).isBetween(before.plus(TTL), this.clock.instant().plus(TTL));
			background();
		}

		assertThat(this.provider.live()).hasSize(3);
		assertThat(this.leases.read("svc", lease.id()).liveSessions()).isEqualTo(3);
		assertThat(this.queries.find(row("s-0").getId()).orElseThrow().leaseExpiresAt())
			.isEqualTo(this.leases.read("svc", lease.id()).lease().expiresAt());
	}

	@Test
	void aRevokedLeaseEndsItsSessionsAtOnce() {
		Lease lease = this.leases.grant("svc", TTL);
		for (int i = 0; i < 3; i++) {
			open("s-" + i, new OpenTerms(lease.id(), null));
		}

		assertThat(this.leases.revoke("svc", lease.id())).isEqualTo(3);

		assertThat(List.of(row("s-0"), row("s-1"), row("s-2"))).allSatisfy((session) -> {
			assertThat(session.getStatus()).isEqualTo(SessionStatus.ENDING);
			assertThat(session.getEndReason()).isEqualTo(EndReason.LEASE_REVOKED);
		});
		endDueInBackground();
		assertThat(this.provider.live()).isEmpty();
		assertThat(this.leases.read("svc", lease.id()).lease().state()).isEqualTo(LeaseState.DONE);
		assertThatExceptionOfType(LeaseNotFoundException.class).as("a revoked lease is not kept alive")
			.isThrownBy(() -> this.leases.keepAlive("svc", lease.id()));
	}

	@Test
	void anUnknownExpiredOrOtherClientsLeaseRecordsAndSendsNothing() {
		Lease other = this.leases.grant("other-client", TTL);
		Lease expired = this.leases.grant("svc", Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(6));

		for (String lease : List.of("ls_AAAAAAAAAAAAAAAAAAAAAA", other.id(), expired.id())) {
			assertThatExceptionOfType(LeaseNotFoundException.class)
				.isThrownBy(() -> open("s-1", new OpenTerms(lease, null)));
		}

		assertThat(this.sessions.findAll()).isEmpty();
		assertThat(this.provider.calls()).isZero();
		assertThatExceptionOfType(LeaseNotFoundException.class).isThrownBy(() -> this.leases.read("svc", other.id()));
		assertThatExceptionOfType(LeaseNotFoundException.class)
			.isThrownBy(() -> this.leases.keepAlive("svc", expired.id()));
	}

	@Test
	void aSessionOpeningWhenItsLeaseExpiresIsEndedAsSoonAsItsOpenResolves() throws Exception {
		Lease lease = this.leases.grant("svc", TTL);
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> {
			if (op == FakeProvider.Op.OPEN) {
				gate.pass();
			}
		});
		var opener = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> open("s-1", new OpenTerms(lease.id(), null)), SessionRaceContract.PARTIES);
		gate.awaitArrival();
		this.clock.advance(TTL.plusSeconds(1));
		this.upkeep.expireLeases(100);
		this.upkeep.endLeaseSessions(100, 20);
		gate.open();
		opener.get(30, java.util.concurrent.TimeUnit.SECONDS);
		this.provider.beforeCall((op) -> {
		});
		endDueInBackground();

		assertThat(row("s-1").getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row("s-1").getEndReason()).isEqualTo(EndReason.LEASE_EXPIRED);
		assertThat(this.provider.live()).isEmpty();
		this.upkeep.endLeaseSessions(100, 20);
		assertThat(this.leases.read("svc", lease.id()).lease().state()).isEqualTo(LeaseState.DONE);
	}

	@Test
	void aSessionWithALeaseOfItsOwnEndsWhenItIsNotReadAndLivesWhileItIs() {
		Opened<String> opened = open("s-1", new OpenTerms(null, TTL));
		Opened<String> read = open("s-2", new OpenTerms(null, TTL));
		assertThat(opened.lease()).isNotNull().isNotEqualTo(read.lease());
		for (int round = 0; round < 3; round++) {
			this.clock.advance(TTL.minusSeconds(5));
			this.tracker.status(this.provider, new SessionKey("fake", SCOPE, "s-2"), Caller.inScope("svc"));
			background();
		}

		assertThat(row("s-1").getStatus()).isEqualTo(SessionStatus.ENDED);
		assertThat(row("s-1").getEndReason()).isEqualTo(EndReason.LEASE_EXPIRED);
		assertThat(row("s-2").getStatus()).as("read through the gateway").isEqualTo(SessionStatus.ACTIVE);
		assertThat(this.provider.live()).containsExactly(FakeProvider.key(SCOPE, "s-2"));
	}

}
