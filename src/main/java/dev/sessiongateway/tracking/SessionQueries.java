package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.criteria.Path;
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

	/** The order sessions were opened in: creation time, then id. */
	private static final Sort OPENING_ORDER = Sort.by("createdAt", "id");

	private static final Comparator<Session> IN_OPENING_ORDER = Comparator.comparing(Session::getCreatedAt)
		.thenComparingLong(Session::getId);

	private final SessionRepository sessions;

	private final SessionTransitionRepository transitions;

	SessionQueries(SessionRepository sessions, SessionTransitionRepository transitions) {
		this.sessions = sessions;
		this.transitions = transitions;
	}

	/**
	 * Where a listing in the order sessions were opened stopped: the last listed
	 * session's creation time and id.
	 */
	public record Position(Instant createdAt, long id) {

		public static Position of(Session session) {
			return new Position(session.getCreatedAt(), session.getId());
		}

	}

	/**
	 * Up to {@code limit} sessions in one of the statuses that match the filter, in the
	 * order they were opened (creation time, then id), after a position. Each status is
	 * read on its own, so that every read walks an index in that order and stops at
	 * {@code limit} rows however many match; the pages are merged.
	 */
	public List<Session> find(Set<SessionStatus> statuses, Specification<Session> filter, @Nullable Position after,
			int limit) {
		if (statuses.isEmpty()) {
			return List.of();
		}
		List<Session> found = new ArrayList<>();
		for (SessionStatus status : EnumSet.copyOf(statuses)) {
			Specification<Session> page = filter.and(inStatus(status));
			if (after != null) {
				page = page.and(after(after));
			}
			found.addAll(this.sessions.findBy(page, (query) -> query.sortBy(OPENING_ORDER).limit(limit).all()));
		}
		if (statuses.size() == 1) {
			return found;
		}
		found.sort(IN_OPENING_ORDER);
		return List.copyOf(found.subList(0, Math.min(limit, found.size())));
	}

	private static Specification<Session> inStatus(SessionStatus status) {
		return (root, query, cb) -> cb.equal(root.get("status"), status);
	}

	/**
	 * Sessions past a position. The first condition alone bounds the index range; the
	 * second drops the rows of the same instant up to the position's id.
	 */
	private static Specification<Session> after(Position position) {
		return (root, query, cb) -> {
			Path<Instant> createdAt = root.get("createdAt");
			return cb.and(cb.greaterThanOrEqualTo(createdAt, position.createdAt()),
					cb.or(cb.greaterThan(createdAt, position.createdAt()),
							cb.greaterThan(root.<Long>get("id"), position.id())));
		};
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

	/** Counts of live sessions by the client that opened them and status. */
	public List<ClientCount> liveCountsByClient() {
		return this.sessions.countByClientAndStatus(List.copyOf(SessionStatus.LIVE));
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
