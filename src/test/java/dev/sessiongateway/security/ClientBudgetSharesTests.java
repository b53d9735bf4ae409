package dev.sessiongateway.security;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each client's share of what a provider's request budget leaves for opens and reads: its
 * own, or else an equal share among the clients that may open sessions there.
 */
class ClientBudgetSharesTests {

	private static ClientProperties.Client client(String name, Set<Role> roles, Map<String, List<String>> scopes,
			Map<String, ClientProperties.Limits> limits) {
		return new ClientProperties.Client(name, List.of("0".repeat(64)), roles, scopes, null, limits,
				ClientProperties.SessionsVisible.SCOPE, new ClientProperties.Events(null, null));
	}

	@Test
	void aClientWithoutAShareOfItsOwnGetsAnEqualShareAmongTheClientsAllowedAtThatProvider() {
		BudgetShares shares = new ClientBudgetShares(new ClientProperties(List.of(
				client("orders", Set.of(Role.SESSIONS), Map.of("konpro", List.of("*")), Map.of()),
				client("billing", Set.of(Role.SESSIONS), Map.of("konpro", List.of("default"), "pathors", List.of("p1")),
						Map.of("konpro", new ClientProperties.Limits(0, 0, 0.75))),
				client("search", Set.of(Role.SESSIONS), Map.of("konpro", List.of("*")), Map.of()),
				client("reports", Set.of(Role.SESSIONS), Map.of("konpro", List.of()), Map.of()),
				client("ops", Set.of(Role.OPS), Map.of("konpro", List.of("*")), Map.of()))));

		assertThat(shares.at("konpro")).as("three clients may open Konpro sessions")
			.containsExactlyInAnyOrderEntriesOf(Map.of("orders", 1.0 / 3, "billing", 0.75, "search", 1.0 / 3));
		assertThat(shares.at("pathors")).containsExactlyInAnyOrderEntriesOf(Map.of("billing", 1.0));
		assertThat(shares.at("elsewhere")).isEmpty();
	}

}
