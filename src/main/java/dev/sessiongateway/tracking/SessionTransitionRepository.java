package dev.sessiongateway.tracking;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/**
 * A session's history, oldest first.
 */
interface SessionTransitionRepository extends JpaRepository<SessionTransition, Long> {

	@Query("select t from SessionTransition t where t.session.id = :sessionId order by t.id")
	List<SessionTransition> historyOf(long sessionId);

}
