package dev.sessiongateway.simulator;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports why the switch to simulated providers refused to start, as every other settings
 * problem is reported.
 */
class SimulatorSettingsFailureAnalyzer extends AbstractFailureAnalyzer<SimulatorSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SimulatorSettingsException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Correct or unset each setting named above: with gateway.simulators.enabled "
						+ "(GATEWAY_SIMULATORS_ENABLED) the simulated providers bring their own URLs and demo keys. "
						+ "To use the real providers instead, unset gateway.simulators.enabled and give your own keys.",
				cause);
	}

}
