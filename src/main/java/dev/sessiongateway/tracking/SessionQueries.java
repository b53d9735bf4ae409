package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;

/**
 * What other packages may read of the ledger: filtered pages, one session with its
 * history, and live counts.
 */
@Service
public class SessionQueries {

	private final SessionRepository sessions;

	private final SessionTransitionRepository transitions;

	SessionQueries(SessionRepository sessions, SessionTransitionRepository transitions) {
		this.sessions = sessions;
		this.transitions = transitions;
	}

	/**
	 * Up to {@code limit} sessions matching the filter, in the order they were opened.
	 */
	public List<Session> find(Specification<Session> filter, int limit) {
		return this.sessions.findBy(filter, (query) -> query.sortBy(Sort.by("id")).limit(limit).all());
	}

	public Optional<Session> find(long id) {
		return this.sessions.findById(id);
	}

	/** A session's history, oldest first. */
	public List<SessionTransition> history(long id) {
		return this.transitions.historyOf(id);
	}

	/** Counts of live sessions by provider, scope and status. */
	public List<SessionCount> liveCounts() {
		return this.sessions.countByProviderScopeAndStatus(List.copyOf(SessionStatus.LIVE));
	}

	public @Nullable Instant oldestActiveCreatedAt() {
		return this.sessions.oldestActiveCreatedAt();
	}

	/** Ends past their deadline, flagged for a human. */
	public long flaggedEnds() {
		return this.sessions.countByStatusAndFlaggedAtIsNotNull(SessionStatus.ENDING);
	}

	public long count(SessionStatus status) {
		return this.sessions.countByStatus(status);
	}

}
