package dev.sessiongateway.ledger;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A start on an H2 database file that another process holds open fails at once, saying
 * so: an H2 file belongs to one process.
 */
class H2InUseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

	/** H2's error code for a database file locked by another process. */
	static final int DATABASE_ALREADY_OPEN = 90020;

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
		if (cause.getErrorCode() != DATABASE_ALREADY_OPEN) {
			return null;
		}
		return new FailureAnalysis(
				"The H2 database file is in use by another process (another gateway, or a tool that opened it): "
						+ "an H2 file belongs to one process at a time.",
				"Stop the other process, or give this gateway a database of its own. To run several replicas, "
						+ "point every replica at one PostgreSQL (spring.datasource.url).",
				cause);
	}

}
