package dev.sessiongateway.security;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An authenticated caller: its name (recorded on every session it opens), its roles and,
 * for each provider, the scopes it may use ({@code *} for all).
 */
public record GatewayClient(String name, Set<Role> roles, Map<String, Set<String>> scopes) {

	public GatewayClient {
		roles = Set.copyOf(roles);
		scopes = scopes.entrySet()
			.stream()
			.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, (entry) -> Set.copyOf(entry.getValue())));
	}

	public boolean mayUse(String provider, String scope) {
		Set<String> allowed = this.scopes.getOrDefault(provider, Set.of());
		return this.roles.contains(Role.SESSIONS) && (allowed.contains("*") || allowed.contains(scope));
	}

	/**
	 * @throws ForbiddenException unless this client may open, end and read sessions of
	 * that provider in that scope
	 */
	public void requireScope(String provider, String scope) {
		if (!mayUse(provider, scope)) {
			throw new ForbiddenException("This client may not use that " + provider + " scope.");
		}
	}

}
