package dev.sessiongateway.ledger;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Says what to do when an earlier version's journal is found beside the H2 file.
 */
class JournalLeftFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedH2.JournalLeftException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedH2.JournalLeftException cause) {
		return new FailureAnalysis(
				"The H2 file has journal segments beside it that an earlier version of the gateway " + "left ("
						+ cause.getMessage().substring(cause.getMessage().indexOf('[')) + "); they may hold sessions "
						+ "the file lacks, and this version does not replay them.",
				"Start the earlier version once on this file and stop it with SIGTERM (it replays them into "
						+ "the file and leaves them empty), then start this version. Only if you accept losing what "
						+ "they hold, delete the segments.",
				cause);
	}

}
