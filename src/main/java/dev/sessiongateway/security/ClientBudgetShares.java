package dev.sessiongateway.security;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * The budget shares of the configured clients: a client's own, or an equal share among
 * the clients that may open sessions at that provider (the {@code sessions} role and a
 * scope there).
 */
@Component
class ClientBudgetShares implements BudgetShares {

	private final List<ClientProperties.Client> clients;

	ClientBudgetShares(ClientProperties properties) {
		this.clients = properties.clients();
	}

	@Override
	public Map<String, Double> at(String provider) {
		List<ClientProperties.Client> allowed = this.clients.stream()
			.filter((client) -> client.name() != null && client.roles().contains(Role.SESSIONS)
					&& !client.scopes().getOrDefault(provider, List.of()).isEmpty())
			.toList();
		Map<String, Double> shares = new HashMap<>();
		for (ClientProperties.Client client : allowed) {
			ClientProperties.Limits limits = client.limits().get(provider);
			Double own = (limits != null) ? limits.budgetShare() : null;
			shares.put(String.valueOf(client.name()), (own != null) ? own : 1.0 / allowed.size());
		}
		return shares;
	}

}
