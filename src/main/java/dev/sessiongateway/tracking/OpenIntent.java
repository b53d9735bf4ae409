package dev.sessiongateway.tracking;

import org.jspecify.annotations.Nullable;

/**
 * A session about to be opened: where, under which id (null when the provider chooses
 * it), the checked request to forward, and the client it is opened for (set by the
 * tracker as the open goes out: the provider's request budget holds each client to its
 * share).
 */
public record OpenIntent(String scope, @Nullable String sessionId, byte[] body, @Nullable String client) {

	/** An intent whose client is not yet known. */
	public OpenIntent(String scope, @Nullable String sessionId, byte[] body) {
		this(scope, sessionId, body, null);
	}

	/** This intent, opened for that client. */
	public OpenIntent openedBy(String client) {
		return new OpenIntent(this.scope, this.sessionId, this.body, client);
	}

}
