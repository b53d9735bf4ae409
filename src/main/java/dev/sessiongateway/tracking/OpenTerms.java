package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a caller opens a session besides the request it forwards: attached to a lease it
 * holds ({@code lease}), or, with none named, to a lease of its own granted for this
 * session ({@code ownLeaseTtl}, the client's default lease time to live), or to none; and
 * under the idempotency key it sent ({@code idempotency}), if any.
 */
public record OpenTerms(@Nullable String lease, @Nullable Duration ownLeaseTtl,
		@Nullable IdempotencyClaim idempotency) {

	/** No lease, no idempotency key. */
	public static final OpenTerms NONE = new OpenTerms(null, null, null);

	/** Terms without an idempotency key. */
	public OpenTerms(@Nullable String lease, @Nullable Duration ownLeaseTtl) {
		this(lease, ownLeaseTtl, null);
	}

	/** These terms, under this idempotency key (none when null). */
	public OpenTerms withIdempotency(@Nullable IdempotencyClaim claim) {
		return new OpenTerms(this.lease, this.ownLeaseTtl, claim);
	}

}
