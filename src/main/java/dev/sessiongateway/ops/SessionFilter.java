package dev.sessiongateway.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.persistence.criteria.Predicate;
import org.jspecify.annotations.Nullable;

import org.springframework.data.jpa.domain.Specification;

import dev.sessiongateway.tracking.Session;
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

	/** The sessions matching this filter, statuses aside (each status is read apart). */
	Specification<Session> matching() {
		return (root, query, cb) -> {
			List<Predicate> where = new ArrayList<>();
			if (this.provider != null) {
				where.add(cb.equal(root.get("provider"), this.provider));
			}
			if (this.scope != null) {
				where.add(cb.equal(root.get("scope"), this.scope));
			}
			if (this.client != null) {
				where.add(cb.equal(root.get("client"), this.client));
			}
			if (this.sessionId != null) {
				where.add(cb.equal(root.get("sessionId"), this.sessionId));
			}
			if (this.createdBefore != null) {
				where.add(cb.lessThan(root.get("createdAt"), this.createdBefore));
			}
			if (this.createdAfter != null) {
				where.add(cb.greaterThan(root.get("createdAt"), this.createdAfter));
			}
			return cb.and(where.toArray(Predicate[]::new));
		};
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
