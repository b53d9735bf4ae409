/**
 * Idempotent creates: the {@code Idempotency-Key} header of every create route
 * (draft-ietf-httpapi-idempotency-key-header), its settings, and the answers kept for
 * retries, encrypted before they are stored; tracking records the key with the session's
 * intent. Knows no provider.
 */
@NullMarked
package dev.sessiongateway.idempotency;

import org.jspecify.annotations.NullMarked;
