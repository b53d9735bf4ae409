package dev.sessiongateway.web;

import java.io.IOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.springframework.boot.logging.StackTracePrinter;

/**
 * How a JSON log line shows an exception: its class and message, then each cause's, one a
 * line, and never a stack frame (no log line carries a stack trace). The plain log does
 * the same through its pattern ({@code %wEx{0}}).
 */
public final class ExceptionChainPrinter implements StackTracePrinter {

	@Override
	public void printStackTrace(Throwable throwable, Appendable out) throws IOException {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		String prefix = "";
		for (Throwable each = throwable; each != null && seen.add(each); each = each.getCause()) {
			out.append(prefix).append(each.toString()).append(System.lineSeparator());
			prefix = "Caused by: ";
		}
	}

}
