package dev.sessiongateway.simulator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-memory Pathors v1 session API, as Pathors documents it: a developer key as
 * {@code Authorization: Bearer dk_...} (anything else is 401), caller-chosen session ids
 * per project ({@code POST /v1/projects/{projectId}/sessions} with {@code session_id},
 * 201; a live id again is 409), a read by id ({@code GET .../sessions/{sessionId}}, 404
 * once gone), an end by {@code DELETE .../sessions} with the id in a JSON body (200
 * whether or not the session was live), {@code POST .../sessions/terminate}, and the
 * legacy {@code /project/{id}/integration/api/...} paths switched off (404). Errors come
 * as {@code {"error":{"message"}}}, or flat {@code {"error":"..."}} when the
 * {@code session_id} is missing, as Pathors answers both ways. Sessions live in memory,
 * until ended or until the process stops.
 */
public final class PathorsSimulator extends Simulator<PathorsSimulator> {

	private final String expectedAuthorization;

	private final Map<String, Map<String, StoredSession>> projects = new ConcurrentHashMap<>();

	public PathorsSimulator(int port, String expectedApiKey) {
		super(port);
		this.expectedAuthorization = "Bearer " + expectedApiKey;
	}

	@Override
	void forget() {
		this.projects.clear();
	}

	public Set<String> activeSessionIds(String projectId) {
		Map<String, StoredSession> sessions = this.projects.get(projectId);
		return (sessions != null) ? Set.copyOf(sessions.keySet()) : Set.of();
	}

	@Override
	Reply handle(Request request) {
		if (!this.expectedAuthorization.equals(request.header("Authorization"))) {
			return error(401, "Invalid API key");
		}
		List<String> segments = request.segments();
		if (segments.get(0).equals("project")
				|| (segments.size() > 1 && segments.get(0).equals("api") && segments.get(1).equals("project"))) {
			return error(404, "Not found");
		}
		if (segments.size() < 4 || segments.size() > 5 || !segments.get(0).equals("v1")
				|| !segments.get(1).equals("projects") || segments.get(2).isEmpty()
				|| !segments.get(3).equals("sessions")) {
			return error(404, "Not found");
		}
		String projectId = segments.get(2);
		String method = request.method();
		try {
			if (segments.size() == 4) {
				return switch (method) {
					case "POST" -> create(projectId, request.json());
					case "DELETE" -> end(projectId, request);
					default -> error(405, "Method not allowed").withHeader("Allow", "POST, DELETE");
				};
			}
			String last = segments.get(4);
			if (last.equals("terminate") && method.equals("POST")) {
				return terminate(projectId, request.json());
			}
			if (method.equals("GET")) {
				return get(projectId, last);
			}
			return error(405, "Method not allowed").withHeader("Allow", last.equals("terminate") ? "POST" : "GET");
		}
		catch (JacksonException ex) {
			return error(400, "Invalid JSON");
		}
	}

	private Reply create(String projectId, JsonNode body) {
		String sessionId = sessionId(body);
		if (sessionId == null) {
			return sessionIdRequired();
		}
		JsonNode variables = body.path("variables");
		StoredSession session = new StoredSession(variables.isObject() ? variables : JSON.createObjectNode(),
				Instant.now().truncatedTo(ChronoUnit.MILLIS));
		Map<String, StoredSession> sessions = this.projects.computeIfAbsent(projectId,
				(id) -> new ConcurrentHashMap<>());
		if (sessions.putIfAbsent(sessionId, session) != null) {
			ObjectNode reply = errorBody("Session already exists");
			((ObjectNode) reply.get("error")).putObject("details").put("session_id", sessionId);
			return Reply.json(409, reply);
		}
		return Reply.json(201, object().put("sessionId", sessionId).put("pathwayId", "pw_demo"));
	}

	private Reply end(String projectId, Request request) {
		String sessionId = request.hasBody() ? sessionId(request.json()) : null;
		if (sessionId == null) {
			return sessionIdRequired();
		}
		remove(projectId, sessionId);
		return Reply.json(200,
				object().put("success", true).put("sessionId", sessionId).put("message", "Session ended"));
	}

	private Reply terminate(String projectId, JsonNode body) {
		String sessionId = sessionId(body);
		boolean removed = sessionId != null && remove(projectId, sessionId);
		return Reply.json(200, object().put("success", removed).put("sessionType", "api"));
	}

	private Reply get(String projectId, String sessionId) {
		Map<String, StoredSession> sessions = this.projects.get(projectId);
		StoredSession session = (sessions != null) ? sessions.get(sessionId) : null;
		if (session == null) {
			return error(404, "Session not found");
		}
		ObjectNode reply = object().put("sessionId", sessionId);
		ObjectNode data = reply.putObject("data");
		data.set("variables", session.variables());
		data.putArray("messages");
		reply.put("createdAt", session.createdAt().toString()).put("updatedAt", session.createdAt().toString());
		return Reply.json(200, reply);
	}

	private boolean remove(String projectId, String sessionId) {
		Map<String, StoredSession> sessions = this.projects.get(projectId);
		return sessions != null && sessions.remove(sessionId) != null;
	}

	private static @Nullable String sessionId(JsonNode body) {
		JsonNode id = body.path("session_id");
		return (id.isString() && !id.stringValue().isBlank()) ? id.stringValue() : null;
	}

	private static Reply sessionIdRequired() {
		return Reply.json(400, object().put("error", "session_id is required"));
	}

	private static Reply error(int status, String message) {
		return Reply.json(status, errorBody(message));
	}

	private static ObjectNode errorBody(String message) {
		ObjectNode body = object();
		body.putObject("error").put("message", message);
		return body;
	}

	private static ObjectNode object() {
		return JSON.createObjectNode();
	}

	private record StoredSession(JsonNode variables, Instant createdAt) {

	}

}
