package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Instant;

import org.springframework.stereotype.Service;

/**
 * The answers of creates sent under an idempotency key, kept with the key for its window
 * so that a retry under the key gets the same answer. Tracking stores an answer as the
 * bytes it is given (the caller of this service encrypts them) and records the key itself
 * with the session's intent ({@link SessionTracker#open}).
 */
@Service
public class IdempotencyKeys {

	private final SessionStore store;

	private final IdempotencyRows rows;

	private final Clock clock;

	IdempotencyKeys(SessionStore store, IdempotencyRows rows, Clock clock) {
		this.store = store;
		this.rows = rows;
		this.clock = clock;
	}

	/**
	 * Stores the answer of the request that holds the key, unless another request holds
	 * it, the key was let go (the create certainly had no effect), or it was never
	 * recorded (the create was refused before anything was).
	 * @return whether it was stored
	 * @throws TrackingUnavailableException if the ledger could not be written
	 */
	public boolean answer(String client, IdempotencyClaim claim, byte[] answer) {
		Instant now = this.clock.instant();
		return this.store.commit("the answer could not be stored with its idempotency key",
				() -> this.rows.answer(client, claim.key(), claim.request(), answer, now));
	}

}
