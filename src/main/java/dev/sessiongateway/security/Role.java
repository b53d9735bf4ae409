package dev.sessiongateway.security;

/**
 * What a client may do: open, end and read sessions, or look after all of them.
 */
public enum Role {

	SESSIONS, OPS;

	String authority() {
		return "ROLE_" + name();
	}

	/** The roles as they are configured: {@code sessions, ops}. */
	static String names() {
		return String.join(", ",
				java.util.Arrays.stream(values())
					.map((role) -> role.name().toLowerCase(java.util.Locale.ROOT))
					.toList());
	}

}
