package dev.sessiongateway.security;

/**
 * What a client may do: open, end and read sessions, or look after all of them.
 */
public enum Role {

	SESSIONS, OPS;

	String authority() {
		return "ROLE_" + name();
	}

}
