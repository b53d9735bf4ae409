package dev.sessiongateway.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Finding the client behind a key, without a Spring context.
 */
class ClientKeysTests {

	private static final String OLD = "old-key-of-orders";

	private static final String NEW = "new-key-of-orders";

	private static String hash(String key) {
		return java.util.HexFormat.of().formatHex(ClientKeys.sha256(key));
	}

	/** The older names the provider packages declare for their scopes. */
	private static final ClientScopesAliases ALIASES = new ClientScopesAliases(
			List.of(ClientScopesAlias.scopes("pathors-projects", "pathors"),
					ClientScopesAlias.everyScopeWhenTrue("konpro", "konpro")));

	private static ClientKeys keys(Map<String, String> properties) {
		ClientProperties bound = new Binder(new MapConfigurationPropertySource(properties))
			.bind("gateway", Bindable.of(ClientProperties.class), ALIASES.apply(BindHandler.DEFAULT))
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
		assertThat(keys.find(NEW).scopes()).containsExactly(Map.entry("pathors", Set.of("p1", "p2")));
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
		ClientKeys keys = keys(Map.of("gateway.clients[0].name", "a", "gateway.clients[0].key-sha256", hash("a"),
				"gateway.clients[0].roles", "sessions", "gateway.clients[0].pathors-projects", "p1",
				"gateway.clients[1].name", "b", "gateway.clients[1].key-sha256", hash("b"), "gateway.clients[1].roles",
				"sessions", "gateway.clients[1].pathors-projects", "*", "gateway.clients[1].konpro", "true"));
		GatewayClient scoped = keys.find("a");
		GatewayClient everything = keys.find("b");
		GatewayClient ops = new GatewayClient("c", Set.of(Role.OPS), Map.of("pathors", Set.of("*")));

		assertThat(scoped.mayUse("pathors", "p1")).isTrue();
		assertThat(scoped.mayUse("pathors", "p2")).isFalse();
		assertThat(scoped.mayUse("konpro", "default")).isFalse();
		assertThat(everything.mayUse("pathors", "anything")).isTrue();
		assertThat(everything.mayUse("konpro", "any-account")).isTrue();
		assertThat(ops.mayUse("pathors", "p1")).isFalse();
		assertThat(List.of(scoped, everything)).allMatch((client) -> client.roles().contains(Role.SESSIONS));
	}

	@Test
	void theGenericScopesFormNamesAnyProviderWithoutCodeInSecurity() {
		ClientKeys keys = keys(Map.of("gateway.clients[0].name", "a", "gateway.clients[0].key-sha256", hash("a"),
				"gateway.clients[0].roles", "sessions", "gateway.clients[0].scopes.acme", "tenant-1,tenant-2",
				"gateway.clients[0].scopes.pathors", "p9"));
		GatewayClient client = keys.find("a");

		assertThat(client.mayUse("acme", "tenant-2")).isTrue();
		assertThat(client.mayUse("acme", "tenant-3")).isFalse();
		assertThat(client.mayUse("pathors", "p9")).isTrue();
		assertThat(client.mayUse("konpro", "default")).isFalse();
		assertThatExceptionOfType(ForbiddenException.class).isThrownBy(() -> client.requireScope("acme", "other"));
	}

	@Test
	void anOlderNameAddsItsScopesToTheGenericFormOfItsProvider() {
		ClientKeys keys = keys(Map.of("gateway.clients[0].name", "a", "gateway.clients[0].key-sha256", hash("a"),
				"gateway.clients[0].roles", "sessions", "gateway.clients[0].scopes.pathors", "p9",
				"gateway.clients[0].pathors-projects[0]", "p1", "gateway.clients[0].konpro", "false"));
		GatewayClient client = keys.find("a");

		assertThat(client.scopes()).containsExactly(Map.entry("pathors", Set.of("p1", "p9")));
		assertThat(client.mayUse("konpro", "default")).isFalse();
	}

}
