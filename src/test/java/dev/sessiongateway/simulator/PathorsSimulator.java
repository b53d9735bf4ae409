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

import dev.sessiongateway.simulator.SimulatorServer.Reply;
import dev.sessiongateway.simulator.SimulatorServer.Request;

/**
 * An in-memory Pathors v1 session API as PROVIDERS.md describes it: a Bearer developer
 * key, caller-chosen session ids per project, end by DELETE with a JSON body, and the
 * legacy paths switched off. Test code only.
 */
public final class PathorsSimulator implements AutoCloseable {

	private final String expectedAuthorization;

	private final SimulatorServer server;

	private final Map<String, Map<String, StoredSession>> projects = new ConcurrentHashMap<>();

	public PathorsSimulator(int port, String expectedApiKey) {
		this.expectedAuthorization = "Bearer " + expectedApiKey;
		this.server = new SimulatorServer(port, this::handle);
	}

	public PathorsSimulator start() {
		this.server.start();
		return this;
	}

	public void stop() {
		this.server.stop();
	}

	@Override
	public void close() {
		stop();
	}

	public int port() {
		return this.server.port();
	}

	public String baseUrl() {
		return this.server.baseUrl();
	}

	/**
	 * Forgets every session, the request count and the request log.
	 */
	public void reset() {
		this.projects.clear();
		this.server.reset();
	}

	public int requestCount() {
		return this.server.requestCount();
	}

	/**
	 * Every request received since the last reset, as {@code "METHOD rawPath"}.
	 */
	public List<String> requestLog() {
		return this.server.requestLog();
	}

	/**
	 * The body of the most recent request (empty string when it had none).
	 */
	public @Nullable String lastRequestBody() {
		return this.server.lastRequestBody();
	}

	public Set<String> activeSessionIds(String projectId) {
		Map<String, StoredSession> sessions = this.projects.get(projectId);
		return (sessions != null) ? Set.copyOf(sessions.keySet()) : Set.of();
	}

	private Reply handle(Request request) {
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
		StoredSession session = new StoredSession(
				variables.isObject() ? variables : SimulatorServer.JSON.createObjectNode(),
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
		return SimulatorServer.JSON.createObjectNode();
	}

	private record StoredSession(JsonNode variables, Instant createdAt) {

	}

}
