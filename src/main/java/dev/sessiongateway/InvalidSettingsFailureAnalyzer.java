package dev.sessiongateway;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports the settings' problems as Spring Boot reports a failed start: what is wrong,
 * and what to do about it.
 */
class InvalidSettingsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingsException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Set each setting named above, as a gateway.* property or as the environment variable in brackets, "
						+ "then start the gateway again. Keys belong in the environment, never in a committed file.",
				cause);
	}

}
