package dev.sessiongateway.upstream;

import org.jspecify.annotations.Nullable;

/**
 * A provider's answer: a 2xx, or a 4xx about the caller's own request (the gateway's own
 * failures are {@link UpstreamException}s instead).
 *
 * @param status the HTTP status
 * @param contentType the provider's content type, if it sent one
 * @param body the body, at most the configured response size
 * @param withheld true when the body must not reach the caller: it named one of the
 * gateway's credentials, or an error answer was not JSON (an error page can name
 * internals)
 */
public record UpstreamResponse(int status, @Nullable String contentType, byte[] body, boolean withheld) {

	public UpstreamResponse(int status, @Nullable String contentType, byte[] body) {
		this(status, contentType, body, false);
	}

	public boolean isSuccess() {
		return this.status >= 200 && this.status < 300;
	}

	public boolean isNotFound() {
		return this.status == 404;
	}

}
