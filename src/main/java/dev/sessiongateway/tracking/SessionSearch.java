package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Which tracked sessions to list: each condition that is given must hold; at least one
 * status is given.
 *
 * @param createdBefore sessions opened strictly before this time
 * @param createdAfter sessions opened strictly after this time
 */
public record SessionSearch(Set<SessionStatus> statuses, @Nullable String provider, @Nullable String scope,
		@Nullable String client, @Nullable String sessionId, @Nullable Instant createdBefore,
		@Nullable Instant createdAfter) {

	public SessionSearch {
		if (statuses.isEmpty()) {
			throw new IllegalArgumentException("a search names at least one status");
		}
		statuses = Set.copyOf(statuses);
	}

	/** Every session in these statuses. */
	public static SessionSearch inStatus(Set<SessionStatus> statuses) {
		return new SessionSearch(statuses, null, null, null, null, null, null);
	}

	/** Every session, whatever its status. */
	public static SessionSearch all() {
		return inStatus(EnumSet.allOf(SessionStatus.class));
	}

}
