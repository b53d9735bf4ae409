package dev.sessiongateway.tracking;

/**
 * Identifies a session at a provider: the provider's name, the scope (a Pathors project
 * id or the Konpro account name) and the provider's session id.
 */
public record SessionKey(String provider, String scope, String sessionId) {

	/**
	 * The value held in the unique {@code live_key} column while the session is live.
	 * Lengths are prefixed so that no two different keys can collide.
	 */
	String liveKey() {
		return this.provider + ":" + this.scope.length() + ":" + this.scope + ":" + this.sessionId;
	}

}
