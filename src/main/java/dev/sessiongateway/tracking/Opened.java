package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * What an open came to: the provider's reply for the caller, and the lease the session is
 * attached to (one granted for it when the client has a default lease time to live).
 *
 * @param <R> the provider's reply
 */
public record Opened<R>(R reply, @Nullable String lease) {

}
