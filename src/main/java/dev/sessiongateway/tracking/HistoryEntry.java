package dev.sessiongateway.tracking;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One change in a session's history: from which status to which, when, who caused it (the
 * client, {@code ops:<name>}, the provider, {@code <provider> webhook} or
 * {@code gateway}), why, and what else is worth knowing.
 */
public record HistoryEntry(@Nullable SessionStatus from, SessionStatus to, Instant at, String actor,
		@Nullable EndReason reason, @Nullable String detail) {

}
