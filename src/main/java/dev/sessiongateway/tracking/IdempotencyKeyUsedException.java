package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * An open whose idempotency key an earlier request of the same client holds: nothing was
 * recorded and the provider was not called. {@link #use()} says how the key is held.
 */
public class IdempotencyKeyUsedException extends RuntimeException {

	/** How the earlier request holds the key. */
	public enum Use {

		/** The earlier request is still being carried out. */
		IN_FLIGHT,
		/** The earlier request was another one: another body, project or provider. */
		OTHER_REQUEST,
		/** The earlier request was answered, and its answer is stored. */
		ANSWERED,
		/**
		 * The earlier request was not answered, or its answer was not stored, and it can
		 * no longer be in flight: the gateway stopped while it was being carried out.
		 */
		ANSWER_LOST

	}

	private final Use use;

	private final byte @Nullable [] answer;

	IdempotencyKeyUsedException(Use use, byte @Nullable [] answer) {
		super("The idempotency key is held by an earlier request (" + use + ").", null, false, false);
		this.use = use;
		this.answer = answer;
	}

	public Use use() {
		return this.use;
	}

	/**
	 * The earlier request's answer as it was stored, when it was ({@link Use#ANSWERED}).
	 */
	public byte @Nullable [] answer() {
		return this.answer;
	}

}
