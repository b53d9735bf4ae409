package dev.sessiongateway.tracking;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How a caller opens a session besides the request it forwards: attached to a lease it
 * holds ({@code lease}), or, with none named, to a lease of its own granted for this
 * session ({@code ownLeaseTtl}, the client's default lease time to live), or to none.
 */
public record OpenTerms(@Nullable String lease, @Nullable Duration ownLeaseTtl) {

	/** No lease. */
	public static final OpenTerms NONE = new OpenTerms(null, null);

}
