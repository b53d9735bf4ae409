package dev.sessiongateway.security;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.Caller;
import dev.sessiongateway.tracking.OpenTerms;
import dev.sessiongateway.tracking.SessionCaps;

/**
 * An authenticated caller: its name (recorded on every session it opens), its roles and,
 * for each provider, the scopes it may use ({@code *} for all); the time to live of the
 * lease a session it opens without one gets, if it has one; its caps at each provider;
 * and whether it may read and end only the sessions it opened itself.
 */
public record GatewayClient(String name, Set<Role> roles, Map<String, Set<String>> scopes,
		@Nullable Duration defaultLeaseTtl, Map<String, SessionCaps> caps, boolean ownSessionsOnly) {

	/**
	 * A client with no lease of its own, no caps, that sees every session in its scopes.
	 */
	public GatewayClient(String name, Set<Role> roles, Map<String, Set<String>> scopes) {
		this(name, roles, scopes, null, Map.of(), false);
	}

	public GatewayClient {
		caps = Map.copyOf(caps);
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

	/**
	 * How a session this client opens is bound: to the lease it names, or, with none
	 * named, to a lease of its own when the client has a default lease time to live.
	 */
	public OpenTerms openTerms(@Nullable String lease) {
		return new OpenTerms(lease, (lease == null) ? this.defaultLeaseTtl : null);
	}

	/** This client as the asker of a read or an end. */
	public Caller caller() {
		return new Caller(this.name, this.ownSessionsOnly);
	}

}
