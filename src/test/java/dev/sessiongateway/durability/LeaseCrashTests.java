package dev.sessiongateway.durability;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway on the shipped H2 file is killed with SIGKILL while a client holds a lease on
 * sessions: nothing keeps the lease alive while it is down, and the gateway started again
 * on the same file ends every session of the lease (LEASE_EXPIRED) at the provider, while
 * the sessions of a lease it could not know had expired (one granted with a day to live)
 * stay.
 */
class LeaseCrashTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final String SHIPPED_H2_FILE = "./data/session-gateway";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String PROJECT = "proj-lease-crash";

	private static final Duration READY_WITHIN = Duration.ofMinutes(2);

	@Test
	void aLeaseHeldWhenTheGatewayIsKilledExpiresAfterItRestarts() throws Exception {
		Path directory = WORK.resolve("lease-crash-" + System.currentTimeMillis());
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			try {
				Map<String, String> settings = GatewayProcess.settings(stub.baseUrl(0));
				GatewayProcess first = gateways.start("before-kill", settings).awaitReady(READY_WITHIN);
				JsonNode shortLease = grant(first, "5s");
				JsonNode longLease = grant(first, "24h");
				for (String id : List.of("k1", "k2", "k3")) {
					assertThat(open(first, id, shortLease.path("id").asString()).statusCode()).isEqualTo(201);
				}
				assertThat(open(first, "stays", longLease.path("id").asString()).statusCode()).isEqualTo(201);
				HttpResponse<String> kept = first.send("POST",
						"/leases/" + shortLease.path("id").asString() + "/keepalive", GatewayProcess.CLIENT_KEY, null,
						Map.of());
				assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
				Instant expiresAt = Instant.parse(JSON.readTree(kept.body()).path("expiresAt").asString());

				first.kill();
				assertThat(stub.live(PROJECT)).containsExactly("k1", "k2", "k3", "stays");
				long wait = Duration.between(Instant.now(), expiresAt).toMillis();
				if (wait > 0) {
					Thread.sleep(wait + 500);
				}

				GatewayProcess second = gateways.start("after-restart", settings).awaitReady(READY_WITHIN);
				long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
				while (!stub.live(PROJECT).equals(java.util.Set.of("stays")) && deadline - System.nanoTime() > 0) {
					Thread.sleep(200);
				}
				String state = JSON
					.readTree(
							second
								.send("GET", "/leases/" + shortLease.path("id").asString(), GatewayProcess.CLIENT_KEY,
										null, Map.of())
								.body())
					.path("state")
					.asString();
				second.stop();

				Path file = directory.resolve(SHIPPED_H2_FILE).normalize();
				Ledger ledger = Ledger.read("jdbc:h2:file:" + file + ";IFEXISTS=TRUE", "sa");
				System.out.printf("""
						== a lease of 3 sessions held when the gateway was killed (SIGKILL), expiring while it was down
						  live at the provider after the restart: %s; the lease %s
						  rows: %s
						%n""", stub.live(PROJECT), state, ledger.rows());

				assertThat(stub.live(PROJECT)).containsExactly("stays");
				assertThat(ledger.rows()).filteredOn((row) -> row.sessionId().startsWith("k"))
					.hasSize(3)
					.allSatisfy((row) -> {
						assertThat(row.status()).isEqualTo("ENDED");
						assertThat(row.endReason()).isEqualTo("LEASE_EXPIRED");
					});
				assertThat(ledger.liveSessionIds()).containsExactly("stays");
				assertThat(state).isEqualTo("DONE");
				assertThat(stub.repeatedEnds()).isZero();
			}
			catch (Throwable failure) {
				gateways.printOutput();
				throw failure;
			}
		}
	}

	private static JsonNode grant(GatewayProcess gateway, String ttl) {
		HttpResponse<String> granted = gateway.send("POST", "/leases", GatewayProcess.CLIENT_KEY,
				"{\"ttl\":\"" + ttl + "\"}", Map.of());
		assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
		return JSON.readTree(granted.body());
	}

	private static HttpResponse<String> open(GatewayProcess gateway, String sessionId, String lease) {
		return gateway.send("POST", "/pathors/v1/projects/" + PROJECT + "/sessions", GatewayProcess.CLIENT_KEY,
				"{\"session_id\":\"" + sessionId + "\"}", Map.of("Gateway-Lease", lease));
	}

}
