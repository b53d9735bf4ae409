package dev.sessiongateway.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-memory Konpro widget session API, as Konpro documents it: the account key as
 * {@code x-api-key} (anything else is 401 {@code INVALID_API_KEY}), a create
 * ({@code POST /v1/widget/sessions} with {@code agentic_avatar_id}) that picks the
 * session id and answers it inside {@code data} with a token and an expiry (one hour
 * unless set otherwise), a read ({@code GET /v1/widget/sessions/{sessionId}}, status
 * {@code active} or {@code expired}), and a delete that is immediate and permanent (404
 * {@code RESOURCE_NOT_FOUND} after). Errors come as
 * {@code {"error":{"code","message"},"request_id"}}. Sessions live in memory until
 * deleted, or until a day past their expiry, or until the process stops.
 */
public final class KonproSimulator extends Simulator<KonproSimulator> {

	private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

	/** How long an expired session is still known (and read as {@code expired}). */
	private static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(1);

	private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

	private final String expectedApiKey;

	private final Map<String, StoredSession> sessions = new ConcurrentHashMap<>();

	private volatile Duration sessionLifetime;

	private volatile @Nullable String lastCreateResponseBody;

	private final AtomicReference<Instant> nextPurge = new AtomicReference<>(Instant.EPOCH);

	public KonproSimulator(int port, String expectedApiKey) {
		this(port, expectedApiKey, DEFAULT_LIFETIME);
	}

	public KonproSimulator(int port, String expectedApiKey, Duration sessionLifetime) {
		super(port);
		this.expectedApiKey = expectedApiKey;
		this.sessionLifetime = positive(sessionLifetime);
	}

	/**
	 * Forgets every session and the last create reply; the session lifetime stays.
	 */
	@Override
	void forget() {
		this.sessions.clear();
		this.lastCreateResponseBody = null;
	}

	/**
	 * The exact bytes (as UTF-8) of the last successful create reply.
	 */
	public @Nullable String lastCreateResponseBody() {
		return this.lastCreateResponseBody;
	}

	/**
	 * Sets the lifetime of sessions created from now on (default one hour).
	 */
	public KonproSimulator sessionLifetime(Duration lifetime) {
		this.sessionLifetime = positive(lifetime);
		return this;
	}

	/**
	 * Sessions neither deleted nor past their expiry.
	 */
	public Set<String> activeSessionIds() {
		Instant now = Instant.now();
		return this.sessions.entrySet()
			.stream()
			.filter((entry) -> !entry.getValue().expiredAt(now))
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Sessions not deleted, expired ones included (until a day past their expiry).
	 */
	public Set<String> sessionIds() {
		return Set.copyOf(this.sessions.keySet());
	}

	@Override
	Reply handle(Request request) {
		if (!this.expectedApiKey.equals(request.header("x-api-key"))) {
			return error(401, "INVALID_API_KEY", "Invalid API key");
		}
		List<String> segments = request.segments();
		boolean sessionsPath = segments.size() >= 3 && segments.get(0).equals("v1") && segments.get(1).equals("widget")
				&& segments.get(2).equals("sessions");
		if (sessionsPath && segments.size() == 3) {
			return request.method().equals("POST") ? create(request)
					: error(405, "METHOD_NOT_ALLOWED", "Method not allowed").withHeader("Allow", "POST");
		}
		if (sessionsPath && segments.size() == 4) {
			return switch (request.method()) {
				case "GET" -> get(segments.get(3));
				case "DELETE" -> delete(segments.get(3));
				default -> error(405, "METHOD_NOT_ALLOWED", "Method not allowed").withHeader("Allow", "GET, DELETE");
			};
		}
		return error(404, "RESOURCE_NOT_FOUND", "Not found");
	}

	private Reply create(Request request) {
		JsonNode body;
		try {
			body = request.json();
		}
		catch (JacksonException ex) {
			return error(400, "VALIDATION_ERROR", "Invalid JSON");
		}
		JsonNode avatar = body.path("agentic_avatar_id");
		if (!avatar.isString() || avatar.stringValue().isBlank()) {
			return error(400, "VALIDATION_ERROR", "agentic_avatar_id is required");
		}
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		forgetLongExpired(now);
		Duration lifetime = this.sessionLifetime;
		String sessionId = randomId("ws_", 12);
		StoredSession session = new StoredSession(avatar.stringValue(), now, now.plus(lifetime));
		this.sessions.put(sessionId, session);
		ObjectNode reply = object();
		ObjectNode data = reply.putObject("data")
			.put("session_token", randomId("tok_", 16))
			.put("session_id", sessionId)
			.put("expires_at", session.expiresAt().toString())
			.put("expires_in", lifetime.toSeconds())
			.put("websocket_url", "wss://sim.invalid/ws/" + sessionId)
			.put("user_id", randomId("usr_", 8));
		data.putObject("avatar").put("id", session.avatarId()).put("name", "Demo Avatar");
		if (body.path("audio_only").isBoolean()) {
			data.put("audio_only", body.path("audio_only").booleanValue());
		}
		reply.putObject("meta").put("request_id", randomId("req_", 8));
		byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply);
		this.lastCreateResponseBody = new String(bytes, StandardCharsets.UTF_8);
		return new Reply(200, bytes, Map.of());
	}

	/**
	 * Forgets the sessions that expired more than a day ago, at most once a minute, so
	 * that a simulator serving a demo for days does not keep every session it made.
	 */
	private void forgetLongExpired(Instant now) {
		Instant due = this.nextPurge.get();
		if (now.isBefore(due) || !this.nextPurge.compareAndSet(due, now.plus(PURGE_INTERVAL))) {
			return;
		}
		Instant cutoff = now.minus(KEPT_AFTER_EXPIRY);
		this.sessions.values().removeIf((session) -> session.expiresAt().isBefore(cutoff));
	}

	private Reply get(String sessionId) {
		StoredSession session = this.sessions.get(sessionId);
		if (session == null) {
			return error(404, "RESOURCE_NOT_FOUND", "Session not found");
		}
		return Reply.json(200,
				object().put("session_id", sessionId)
					.put("agentic_avatar_id", session.avatarId())
					.put("status", session.expiredAt(Instant.now()) ? "expired" : "active")
					.put("created_at", session.createdAt().toString())
					.put("expires_at", session.expiresAt().toString()));
	}

	private Reply delete(String sessionId) {
		if (this.sessions.remove(sessionId) == null) {
			return error(404, "RESOURCE_NOT_FOUND", "Session not found");
		}
		return Reply.json(200, object().put("message", "Session terminated successfully").put("session_id", sessionId));
	}

	private static Reply error(int status, String code, String message) {
		ObjectNode body = object();
		body.putObject("error").put("code", code).put("message", message);
		body.put("request_id", randomId("req_", 8));
		return Reply.json(status, body);
	}

	private static String randomId(String prefix, int bytes) {
		byte[] random = new byte[bytes];
		ThreadLocalRandom.current().nextBytes(random);
		return prefix + HexFormat.of().formatHex(random);
	}

	private static ObjectNode object() {
		return JSON.createObjectNode();
	}

	private static Duration positive(Duration lifetime) {
		if (lifetime.isNegative() || lifetime.isZero()) {
			throw new IllegalArgumentException("session lifetime must be positive: " + lifetime);
		}
		return lifetime;
	}

	private record StoredSession(String avatarId, Instant createdAt, Instant expiresAt) {

		boolean expiredAt(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

	}

}
