package dev.sessiongateway.tracking;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a tracked session stands. {@code OPENING}, {@code ACTIVE} and {@code ENDING} are
 * live: at most one live session exists per provider, scope and session id.
 */
public enum SessionStatus {

	OPENING, ACTIVE, ENDING, ENDED, EXPIRED, FAILED;

	public static final Set<SessionStatus> LIVE = EnumSet.of(OPENING, ACTIVE, ENDING);

	public boolean isLive() {
		return LIVE.contains(this);
	}

}
