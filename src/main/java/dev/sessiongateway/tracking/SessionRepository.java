package dev.sessiongateway.tracking;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

/**
 * The session table. Writes go through {@link SessionStore}, which owns the transactions;
 * other packages read through {@link SessionQueries}.
 */
interface SessionRepository extends JpaRepository<Session, Long>, JpaSpecificationExecutor<Session> {

	Optional<Session> findByLiveKey(String liveKey);

	/** Counts of live sessions by provider, scope and status. */
	@Query("""
			select new dev.sessiongateway.tracking.SessionCount(s.provider, s.scope, s.status, count(s))
			from Session s where s.status in :statuses
			group by s.provider, s.scope, s.status order by s.provider, s.scope, s.status""")
	List<SessionCount> countByProviderScopeAndStatus(List<SessionStatus> statuses);

	/** Counts of live sessions by the client that opened them and status. */
	@Query("""
			select new dev.sessiongateway.tracking.ClientCount(s.client, s.status, count(s))
			from Session s where s.status in :statuses
			group by s.client, s.status order by s.client, s.status""")
	List<ClientCount> countByClientAndStatus(List<SessionStatus> statuses);

	@Query("select min(s.createdAt) from Session s where s.status = dev.sessiongateway.tracking.SessionStatus.ACTIVE")
	@Nullable Instant oldestActiveCreatedAt();

	long countByStatus(SessionStatus status);

	long countByStatusAndFlaggedAtIsNotNull(SessionStatus status);

}
