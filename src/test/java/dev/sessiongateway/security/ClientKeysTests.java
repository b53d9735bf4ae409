package dev.sessiongateway.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding the client behind a key, without a Spring context.
 */
class ClientKeysTests {

	private static final String OLD = "old-key-of-orders";

	private static final String NEW = "new-key-of-orders";

	private static String hash(String key) {
		return java.util.HexFormat.of().formatHex(ClientKeys.sha256(key));
	}

	private static ClientKeys keys(Map<String, String> properties) {
		ClientProperties bound = new Binder(new MapConfigurationPropertySource(properties))
			.bind("gateway", ClientProperties.class)
			.get();
		return new ClientKeys(bound);
	}

	@Test
	void twoKeysOfOneClientBothWorkDuringRotation() {
		ClientKeys keys = keys(Map.of("gateway.clients[0].name", "orders", "gateway.clients[0].key-sha256",
				hash(OLD) + "," + hash(NEW).toUpperCase(), "gateway.clients[0].roles", "sessions",
				"gateway.clients[0].pathors-projects", "p1,p2", "gateway.clients[1].name", "ops",
				"gateway.clients[1].key-sha256", hash("ops-key"), "gateway.clients[1].roles", "ops"));

		assertThat(keys.find(OLD)).isEqualTo(keys.find(NEW));
		assertThat(keys.find(NEW).name()).isEqualTo("orders");
		assertThat(keys.find(NEW).pathorsProjects()).containsExactlyInAnyOrder("p1", "p2");
		assertThat(keys.find("ops-key").roles()).containsExactly(Role.OPS);
	}

	@Test
	void anUnknownKeyOrAHashPresentedAsKeyFindsNoClient() {
		ClientKeys keys = keys(Map.of("gateway.clients[0].name", "orders", "gateway.clients[0].key-sha256", hash(OLD),
				"gateway.clients[0].roles", "sessions"));

		assertThat(keys.find("not-a-key")).isNull();
		assertThat(keys.find(hash(OLD))).isNull();
		assertThat(keys.find(OLD + " ")).isNull();
	}

	@Test
	void projectScopesAndTheKonproFlagDecideWhatAClientMayUse() {
		GatewayClient scoped = new GatewayClient("a", Set.of(Role.SESSIONS), Set.of("p1"), false);
		GatewayClient everything = new GatewayClient("b", Set.of(Role.SESSIONS), Set.of("*"), true);
		GatewayClient ops = new GatewayClient("c", Set.of(Role.OPS), Set.of("*"), true);

		assertThat(scoped.mayUsePathorsProject("p1")).isTrue();
		assertThat(scoped.mayUsePathorsProject("p2")).isFalse();
		assertThat(scoped.mayUseKonpro()).isFalse();
		assertThat(everything.mayUsePathorsProject("anything")).isTrue();
		assertThat(everything.mayUseKonpro()).isTrue();
		assertThat(ops.mayUsePathorsProject("p1")).isFalse();
		assertThat(ops.mayUseKonpro()).isFalse();
		assertThat(List.of(scoped, everything)).allMatch((client) -> client.roles().contains(Role.SESSIONS));
	}

}
