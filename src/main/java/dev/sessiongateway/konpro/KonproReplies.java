package dev.sessiongateway.konpro;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemException;

/**
 * Reads what the gateway needs from Konpro replies, leniently: fields may sit at the top
 * level or inside {@code data}, and expiry may be a timestamp, epoch seconds, or
 * {@code expires_in}.
 */
final class KonproReplies {

	private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

	private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

	private KonproReplies() {
	}

	/**
	 * What a reply says about one session; the id is null when it is missing or unusable.
	 */
	record SessionFacts(@Nullable String sessionId, @Nullable String status, @Nullable Instant expiresAt) {

		boolean isActive() {
			return this.status == null || "active".equalsIgnoreCase(this.status);
		}

	}

	/** Reads a reply already checked to be a JSON object. */
	static SessionFacts read(JsonNode root, Clock clock) {
		JsonNode data = root.path("data").isObject() ? root.path("data") : root;
		String sessionId = usableId(text(data, root, "session_id"));
		String status = text(data, root, "status");
		return new SessionFacts(sessionId, status, expiry(data, root, clock));
	}

	/**
	 * The expiry the reply states, or null when it states none the gateway can hold:
	 * unreadable, out of range, or outside years 2000 to 9999.
	 */
	private static @Nullable Instant expiry(JsonNode data, JsonNode root, Clock clock) {
		try {
			Instant expiry = statedExpiry(data, root, clock);
			return (expiry != null && expiry.isAfter(EARLIEST) && expiry.isBefore(LATEST)) ? expiry : null;
		}
		catch (DateTimeException | ArithmeticException ex) {
			return null;
		}
	}

	private static @Nullable Instant statedExpiry(JsonNode data, JsonNode root, Clock clock) {
		JsonNode expiresAt = field(data, root, "expires_at");
		if (expiresAt.isString()) {
			try {
				return OffsetDateTime.parse(expiresAt.stringValue()).toInstant();
			}
			catch (DateTimeParseException ex) {
				// try the other forms
			}
		}
		if (expiresAt.isIntegralNumber()) {
			long value = expiresAt.longValue();
			return (value > 100_000_000_000L) ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
		}
		JsonNode expiresIn = field(data, root, "expires_in");
		if (expiresIn.isIntegralNumber() && expiresIn.longValue() > 0) {
			return clock.instant().plusSeconds(expiresIn.longValue());
		}
		return null;
	}

	/**
	 * An id the provider returned is later placed in a URL path: it must be a sane id.
	 */
	private static @Nullable String usableId(@Nullable String id) {
		if (id == null) {
			return null;
		}
		try {
			return JsonRequests.checkId("session_id", id);
		}
		catch (ProblemException ex) {
			return null;
		}
	}

	private static @Nullable String text(JsonNode data, JsonNode root, String name) {
		JsonNode value = field(data, root, name);
		return value.isString() ? value.stringValue() : null;
	}

	private static JsonNode field(JsonNode data, JsonNode root, String name) {
		JsonNode value = data.path(name);
		return value.isMissingNode() ? root.path(name) : value;
	}

}
