package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * An open over one of its client's caps at that provider: nothing was recorded, and the
 * provider was not called.
 *
 * @see SessionCaps
 */
public class SessionLimitReachedException extends RuntimeException {

	/** Which cap the open would have gone over. */
	public enum Cap {

		/** Sessions OPENING, ACTIVE or ENDING at once. */
		MAX_LIVE,
		/** Opens a minute. */
		OPENS_PER_MINUTE

	}

	private final Cap cap;

	private final SessionCaps caps;

	private final long live;

	private final long opensLeft;

	private final @Nullable Duration retryAfter;

	private final Duration opensRefilledIn;

	SessionLimitReachedException(String provider, Cap cap, SessionCaps caps, long live, long opensLeft,
			@Nullable Duration retryAfter, Duration opensRefilledIn) {
		super((cap == Cap.MAX_LIVE)
				? "This client has " + live + " live " + provider
						+ " sessions, its cap; end one before opening another."
				: "This client has opened its " + caps.opensPerMinute() + " " + provider
						+ " sessions a minute; try again later.",
				null, false, false);
		this.cap = cap;
		this.caps = caps;
		this.live = live;
		this.opensLeft = opensLeft;
		this.retryAfter = retryAfter;
		this.opensRefilledIn = opensRefilledIn;
	}

	public Cap cap() {
		return this.cap;
	}

	/** The client's caps at that provider. */
	public SessionCaps caps() {
		return this.caps;
	}

	/** The client's live sessions at that provider, as counted. */
	public long live() {
		return this.live;
	}

	/** The opens the client has left in its per-minute allowance. */
	public long opensLeft() {
		return this.opensLeft;
	}

	/** When another open may succeed, when the gateway can know it. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** When the per-minute allowance is full again. */
	public Duration opensRefilledIn() {
		return this.opensRefilledIn;
	}

}
