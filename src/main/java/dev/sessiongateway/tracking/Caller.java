package dev.sessiongateway.tracking;

/**
 * Who asks for a read or an end of a session: its name (the actor its history names), and
 * whether it may act only on the sessions it opened itself ({@code ownOnly}) or on every
 * session in its scopes.
 */
public record Caller(String name, boolean ownOnly) {

	/** A caller that may act on every session in its scopes. */
	public static Caller inScope(String name) {
		return new Caller(name, false);
	}

}
