package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * A session about to be opened: where, under which id (null when the provider chooses
 * it), and the checked request to forward.
 */
public record OpenIntent(String scope, @Nullable String sessionId, byte[] body) {

}
