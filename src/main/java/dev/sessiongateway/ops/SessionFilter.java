package dev.sessiongateway.ops;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.SessionSearch;
import dev.sessiongateway.tracking.SessionStatus;

/**
 * The filters of {@code GET /ops/sessions}. With no status given, only ACTIVE sessions
 * are listed.
 */
record SessionFilter(@Nullable String provider, @Nullable String scope, Set<SessionStatus> statuses,
		@Nullable String client, @Nullable String sessionId, @Nullable Instant createdBefore,
		@Nullable Instant createdAfter) {

	SessionFilter {
		statuses = statuses.isEmpty() ? Set.of(SessionStatus.ACTIVE) : Set.copyOf(statuses);
	}

	/** The search this filter makes. */
	SessionSearch search() {
		return new SessionSearch(this.statuses, this.provider, this.scope, this.client, this.sessionId,
				this.createdBefore, this.createdAfter);
	}

	/**
	 * A stable fingerprint of the filter, so that a cursor is only used with its own
	 * filter.
	 */
	String fingerprint() {
		return String.join("|", String.valueOf(this.provider), String.valueOf(this.scope),
				this.statuses.stream().map(Enum::name).sorted().toList().toString(), String.valueOf(this.client),
				String.valueOf(this.sessionId), String.valueOf(this.createdBefore), String.valueOf(this.createdAfter));
	}

}
