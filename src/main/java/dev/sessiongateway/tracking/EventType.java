package dev.sessiongateway.tracking;

/**
 * What an event to a caller tells, by the name its {@code type} carries on the wire.
 */
public enum EventType {

	/**
	 * A session reached ENDED, whoever asked for the end: the caller, the gateway
	 * (maximum age, compensation), the provider (webhook, gone), ops, or a lease.
	 */
	SESSION_ENDED("session.ended"),

	/** A session passed the expiry its provider gave it (EXPIRED). */
	SESSION_EXPIRED("session.expired"),

	/**
	 * An end still unconfirmed past its deadline was flagged for a human; the gateway
	 * keeps trying it.
	 */
	SESSION_END_FLAGGED("session.end_flagged"),

	/** A lease was not kept alive: its sessions are being ended. */
	LEASE_EXPIRED("lease.expired"),

	/** A lease was revoked: its sessions are being ended. */
	LEASE_REVOKED("lease.revoked");

	private final String wireName;

	EventType(String wireName) {
		this.wireName = wireName;
	}

	/** The event's {@code type} as receivers see it. */
	public String wireName() {
		return this.wireName;
	}

	static EventType ofWireName(String name) {
		for (EventType type : values()) {
			if (type.wireName.equals(name)) {
				return type;
			}
		}
		throw new IllegalArgumentException("no event type " + name);
	}

}
