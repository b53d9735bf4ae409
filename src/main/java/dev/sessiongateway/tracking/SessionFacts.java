package dev.sessiongateway.tracking;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a provider's reply said about one session.
 *
 * @param sessionId the session it names, if it names one
 * @param agent what runs the session at its provider (an agent, a pathway: the provider's
 * own id of it), if the reply names it
 * @param expiresAt when the provider lets the session expire, if it does
 * @param endedBecause null while the session is alive; otherwise why it is over
 */
public record SessionFacts(@Nullable String sessionId, @Nullable String agent, @Nullable Instant expiresAt,
		@Nullable EndReason endedBecause) {

	/** The session is alive. */
	public static SessionFacts alive(@Nullable String sessionId, @Nullable String agent, @Nullable Instant expiresAt) {
		return new SessionFacts(sessionId, agent, expiresAt, null);
	}

	/** The session is over at the provider, for this reason. */
	public static SessionFacts ended(EndReason reason) {
		return new SessionFacts(null, null, null, reason);
	}

	/** The reply said nothing about whether the session lives. */
	public static SessionFacts unknown() {
		return new SessionFacts(null, null, null, null);
	}

	public boolean isOver() {
		return this.endedBecause != null;
	}

}
