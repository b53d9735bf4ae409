package dev.sessiongateway;

import java.util.List;

/**
 * The gateway's settings have problems: all of them, each naming its property and
 * environment variable, never a value.
 */
class InvalidSettingsException extends RuntimeException {

	private final List<String> problems;

	InvalidSettingsException(List<String> problems) {
		super(describe(problems), null, false, false);
		this.problems = List.copyOf(problems);
	}

	List<String> problems() {
		return this.problems;
	}

	static String describe(List<String> problems) {
		StringBuilder text = new StringBuilder("The gateway's settings have ").append(problems.size())
			.append((problems.size() == 1) ? " problem:" : " problems:");
		problems.forEach((problem) -> text.append(System.lineSeparator()).append("  - ").append(problem));
		return text.toString();
	}

}
