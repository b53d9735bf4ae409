package dev.sessiongateway.web;

/** A failure's chain of causes. */
final class Causes {

	private Causes() {
	}

	/** Whether {@code ex} or one of its causes is a {@code type}. */
	static boolean include(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

}
