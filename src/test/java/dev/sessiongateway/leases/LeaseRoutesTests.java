package dev.sessiongateway.leases;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionUpkeep;
import dev.sessiongateway.tracking.TrackedSession;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease routes as a client uses them: a lease is granted, sessions are attached to it
 * with the {@code Gateway-Lease} header (the provider sees neither the header nor a
 * changed body), one keep-alive renews them all, a read lists them, a revoke ends them; a
 * lease left to expire has its sessions ended by background work; a lease that is not the
 * caller's, unknown or malformed is refused before anything is recorded or sent; and a
 * client with a default time to live gets a lease of its own for each session, kept alive
 * by reading the session.
 */
class LeaseRoutesTests extends GatewayTestSupport {

	private static final String SESSIONS = "/pathors/v1/projects/proj-a/sessions";

	@Autowired
	private SessionUpkeep upkeep;

	@BeforeEach
	void providers() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"{{jsonPath request.body '$.session_id'}}\",\"pathwayId\":\"pw\"}")
			.withTransformers("response-template")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"success\":true}")));
		pathors.stubFor(get(urlPathMatching("/v1/projects/proj-a/sessions/.*")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"sessionId\":\"s\"}")));
	}

	private HttpResponse<String> grant(String key, String ttl) {
		return send("POST", "/leases", key, "{\"ttl\":\"" + ttl + "\"}");
	}

	private HttpResponse<String> open(String key, String sessionId, String lease) {
		return send(this.port, "POST", SESSIONS, key, "{\"session_id\":\"" + sessionId + "\"}", "application/json",
				(lease != null) ? Map.of("Gateway-Lease", lease) : Map.of());
	}

	private TrackedSession session(String sessionId) {
		return allSessions().stream().filter((s) -> sessionId.equals(s.sessionId())).findFirst().orElseThrow();
	}

	/** Runs what the background worker runs for leases and ends, once. */
	private void background() {
		this.upkeep.expireLeases(100);
		this.upkeep.endLeaseSessions(100, 20);
		this.upkeep.claimDueEnds(100, Duration.ofMinutes(1)).forEach(this.upkeep::attempt);
	}

	@Test
	void aLeaseIsGrantedAttachedKeptAliveReadAndRevokedEndingItsSessions() {
		HttpResponse<String> granted = grant(SERVICE_KEY, "30s");
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
		String lease = json(granted).path("id").asString();
		assertThat(lease).matches("ls_[A-Za-z0-9_-]{22}");
		assertThat(json(granted).path("ttl").asString()).isEqualTo("PT30S");
		assertThat(granted.headers().firstValue("Location")).hasValue("/leases/" + lease);
		Instant firstExpiry = Instant.parse(json(granted).path("expiresAt").asString());

		for (String id : List.of("a-1", "a-2", "a-3")) {
			HttpResponse<String> opened = open(SERVICE_KEY, id, lease);
			assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
			assertThat(opened.headers().firstValue("Gateway-Lease")).hasValue(lease);
			assertThat(opened.body()).isEqualTo("{\"sessionId\":\"" + id + "\",\"pathwayId\":\"pw\"}");
		}
		pathors.verify(3,
				postRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")).withHeader("Gateway-Lease", absent()));
		pathors.verify(postRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions"))
			.withRequestBody(equalToJson("{\"session_id\":\"a-1\"}")));
		assertThat(allSessions()).extracting(TrackedSession::lease).containsOnly(lease);

		HttpResponse<String> read = read("/leases/" + lease, SERVICE_KEY);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(json(read).path("liveSessions").asLong()).isEqualTo(3);
		assertThat(json(read).path("sessions").findValuesAsString("sessionId")).containsExactly("a-1", "a-2", "a-3");

		HttpResponse<String> kept = send("POST", "/leases/" + lease + "/keepalive", SERVICE_KEY, null);
		assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
		assertThat(Instant.parse(json(kept).path("expiresAt").asString())).isAfterOrEqualTo(firstExpiry);

		HttpResponse<String> revoked = send("DELETE", "/leases/" + lease, SERVICE_KEY, null);
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		assertThat(json(revoked).path("sessionsEnding").asLong()).isEqualTo(3);
		assertThat(allSessions()).extracting(TrackedSession::status).containsOnly(SessionStatus.ENDING);

		background();

		assertThat(allSessions()).allSatisfy((session) -> {
			assertThat(session.status()).isEqualTo(SessionStatus.ENDED);
			assertThat(session.endReason()).isEqualTo(EndReason.LEASE_REVOKED);
		});
		pathors.verify(3, deleteRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")));
		assertProblem(send("POST", "/leases/" + lease + "/keepalive", SERVICE_KEY, null), 404, "NOT_FOUND");
		assertThat(json(read("/leases/" + lease, SERVICE_KEY)).path("state").asString()).isEqualTo("DONE");
	}

	@Test
	void aLeaseNotKeptAliveExpiresAndItsSessionsAreEndedInTheBackground() {
		String lease = json(grant(SERVICE_KEY, "30s")).path("id").asString();
		assertThat(open(SERVICE_KEY, "e-1", lease).statusCode()).isEqualTo(200);
		assertThat(open(SERVICE_KEY, "e-2", lease).statusCode()).isEqualTo(200);
		String kept = json(grant(SERVICE_KEY, "30s")).path("id").asString();
		assertThat(open(SERVICE_KEY, "k-1", kept).statusCode()).isEqualTo(200);

		background();
		assertThat(allSessions()).extracting(TrackedSession::status).containsOnly(SessionStatus.ACTIVE);

		// the lease's time to live passes without a keep-alive
		this.jdbc.update("update lease set expires_at = ? where id = ?",
				OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1), lease);
		assertProblem(send("POST", "/leases/" + lease + "/keepalive", SERVICE_KEY, null), 404, "NOT_FOUND");
		background();

		for (String id : List.of("e-1", "e-2")) {
			assertThat(session(id).status()).isEqualTo(SessionStatus.ENDED);
			assertThat(session(id).endReason()).isEqualTo(EndReason.LEASE_EXPIRED);
		}
		assertThat(session("k-1").status()).isEqualTo(SessionStatus.ACTIVE);
		pathors.verify(2, deleteRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")));
		pathors.verify(deleteRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions"))
			.withRequestBody(equalToJson("{\"session_id\":\"e-1\"}")));
	}

	@Test
	void aLeaseThatIsUnknownAnotherClientsOrMalformedIsRefusedBeforeAnythingIsRecordedOrSent() {
		String others = json(grant(OWN_KEY, "30s")).path("id").asString();

		assertProblem(open(SERVICE_KEY, "x-1", "ls_" + "A".repeat(22)), 404, "NOT_FOUND");
		assertProblem(open(SERVICE_KEY, "x-1", others), 404, "NOT_FOUND");
		HttpResponse<String> malformed = open(SERVICE_KEY, "x-1", "not a lease");
		assertProblem(malformed, 400, "VALIDATION_FAILED");
		assertThat(malformed.body()).contains("Gateway-Lease");
		assertNothingForwardedOrRecorded();

		assertProblem(read("/leases/" + others, SERVICE_KEY), 404, "NOT_FOUND");
		assertProblem(send("POST", "/leases/" + others + "/keepalive", SERVICE_KEY, null), 404, "NOT_FOUND");
		assertProblem(send("DELETE", "/leases/" + others, SERVICE_KEY, null), 404, "NOT_FOUND");
		assertThat(json(read("/leases/" + others, OWN_KEY)).path("state").asString()).isEqualTo("ACTIVE");

		String revoked = json(grant(SERVICE_KEY, "30s")).path("id").asString();
		assertThat(send("DELETE", "/leases/" + revoked, SERVICE_KEY, null).statusCode()).isEqualTo(200);
		assertProblem(open(SERVICE_KEY, "x-2", revoked), 404, "NOT_FOUND");
		assertNothingForwardedOrRecorded();
	}

	@Test
	void aTimeToLiveOutOfBoundsOrUnreadableIsRefused() {
		for (String ttl : List.of("0s", "500ms", "25h", "soon", "-5s")) {
			HttpResponse<String> answer = grant(SERVICE_KEY, ttl);
			assertProblem(answer, 400, "VALIDATION_FAILED");
			assertThat(answer.body()).as(ttl).contains("ttl");
		}
		assertProblem(send("POST", "/leases", SERVICE_KEY, "{}"), 400, "VALIDATION_FAILED");
		assertProblem(send("POST", "/leases", SERVICE_KEY, "{\"ttl\":\"30s\",\"extra\":1}"), 400, "VALIDATION_FAILED");
		assertThat(json(send("POST", "/leases", SERVICE_KEY, "{\"ttl\":90}")).path("ttl").asString())
			.isEqualTo("PT1M30S");
		assertProblem(grant(OPS_KEY, "30s"), 403, "FORBIDDEN");
		assertProblem(grant(null, "30s"), 401, "UNAUTHENTICATED");
	}

	@Test
	void aClientWithADefaultTimeToLiveGetsALeaseForEachSessionKeptAliveByReadingIt() {
		HttpResponse<String> opened = open(OWN_KEY, "d-1", null);
		assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
		String lease = opened.headers().firstValue("Gateway-Lease").orElseThrow();
		assertThat(session("d-1").lease()).isEqualTo(lease);
		HttpResponse<String> details = read("/leases/" + lease, OWN_KEY);
		assertThat(json(details).path("ttl").asString()).isEqualTo("PT30S");

		// most of its time to live has passed
		OffsetDateTime soon = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2);
		this.jdbc.update("update lease set expires_at = ? where id = ?", soon, lease);
		assertThat(read(SESSIONS + "/d-1", OWN_KEY).statusCode()).isEqualTo(200);
		Instant renewed = Instant.parse(json(read("/leases/" + lease, OWN_KEY)).path("expiresAt").asString());
		assertThat(renewed).isAfter(soon.toInstant().plusSeconds(20));

		// a client that names its own lease gets no other
		String named = json(grant(OWN_KEY, "1m")).path("id").asString();
		assertThat(open(OWN_KEY, "d-2", named).headers().firstValue("Gateway-Lease")).hasValue(named);
		assertThat(this.jdbc.queryForObject("select count(*) from lease", Long.class)).isEqualTo(2);

		// a client without a default time to live gets none
		HttpResponse<String> plain = open(SERVICE_KEY, "d-3", null);
		assertThat(plain.headers().firstValue("Gateway-Lease")).isEmpty();
		assertThat(session("d-3").lease()).isNull();

		// left to expire, the session's own lease ends it
		this.jdbc.update("update lease set expires_at = ? where id = ?",
				OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1), lease);
		background();
		assertThat(session("d-1").status()).isEqualTo(SessionStatus.ENDED);
		assertThat(session("d-1").endReason()).isEqualTo(EndReason.LEASE_EXPIRED);
		assertThat(session("d-2").status()).isEqualTo(SessionStatus.ACTIVE);
	}

	@Test
	void opsSeeEachSessionsLeaseAndItsExpiry() {
		String lease = json(grant(SERVICE_KEY, "30s")).path("id").asString();
		open(SERVICE_KEY, "o-1", lease);
		long id = session("o-1").id();

		HttpResponse<String> view = read("/ops/sessions/" + id, OPS_KEY);
		assertThat(json(view).path("lease").asString()).isEqualTo(lease);
		assertThat(json(view).path("leaseExpiresAt").asString()).isNotBlank();
		HttpResponse<String> csv = send(this.port, "GET", "/ops/sessions", OPS_KEY, null, null,
				Map.of("Accept", "text/csv"));
		assertThat(csv.body().lines().findFirst().orElseThrow()).endsWith(",lease,leaseExpiresAt");
		assertThat(csv.body()).contains("," + lease + ",");
	}

}
