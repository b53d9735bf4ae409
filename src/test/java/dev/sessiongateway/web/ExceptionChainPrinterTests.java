package dev.sessiongateway.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exception in a JSON log line is its class and message and each cause's, without a
 * stack frame.
 */
class ExceptionChainPrinterTests {

	@Test
	void anExceptionIsItsChainOfClassesAndMessagesWithoutFrames() {
		IllegalStateException cause = new IllegalStateException("the ledger is down");
		RuntimeException failure = new RuntimeException("could not record", cause);
		cause.initCause(failure);

		String printed = new ExceptionChainPrinter().printStackTraceToString(failure);

		assertThat(printed.lines()).containsExactly("java.lang.RuntimeException: could not record",
				"Caused by: java.lang.IllegalStateException: the ledger is down");
	}

}
