package dev.sessiongateway.security;

/**
 * An older name of a client's scopes at one provider, kept working beside
 * {@code gateway.clients[i].scopes.<provider>}: the scopes it gives are added to those.
 * Each provider's package declares its own as a bean, so that this package names no
 * provider.
 *
 * @param property the setting's name under {@code gateway.clients[i]}
 * @param provider the provider whose scopes it gives
 * @param everyScopeWhenTrue whether the setting is {@code true} or {@code false}, and
 * {@code true} gives every scope ({@code *}); otherwise it lists scopes, as
 * {@code scopes.<provider>} does
 */
public record ClientScopesAlias(String property, String provider, boolean everyScopeWhenTrue) {

	/** A setting that lists scopes (or {@code *}), as {@code scopes.<provider>} does. */
	public static ClientScopesAlias scopes(String property, String provider) {
		return new ClientScopesAlias(property, provider, false);
	}

	/**
	 * A setting that is {@code true} or {@code false}: {@code true} gives every scope.
	 */
	public static ClientScopesAlias everyScopeWhenTrue(String property, String provider) {
		return new ClientScopesAlias(property, provider, true);
	}

}
