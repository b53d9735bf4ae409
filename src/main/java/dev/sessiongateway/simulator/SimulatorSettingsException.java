package dev.sessiongateway.simulator;

import java.util.List;

/**
 * The switch to simulated providers cannot be honoured as configured: every problem, each
 * naming its property and environment variable, never a value.
 */
class SimulatorSettingsException extends RuntimeException {

	SimulatorSettingsException(List<String> problems) {
		super(describe(problems), null, false, false);
	}

	/** The start-up settings report's form: a count, then one problem a line. */
	private static String describe(List<String> problems) {
		StringBuilder text = new StringBuilder("The gateway's settings have ").append(problems.size())
			.append((problems.size() == 1) ? " problem:" : " problems:");
		problems.forEach((problem) -> text.append(System.lineSeparator()).append("  - ").append(problem));
		return text.toString();
	}

}
