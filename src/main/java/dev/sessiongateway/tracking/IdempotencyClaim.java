package dev.sessiongateway.tracking;

import java.time.Duration;

/**
 * An idempotency key a caller sent with a create, as the open records it: the key (its
 * client's own: another client's identical key is another key), the one request that
 * claims it (its answer is stored against it, so that no other request's answer can be),
 * and how long the key holds from its first use.
 *
 * @param key the key as the caller sent it, unquoted
 * @param request a token naming this one request, unique among requests
 * @param window how long the key and its answer are kept
 */
public record IdempotencyClaim(String key, String request, Duration window) {

}
