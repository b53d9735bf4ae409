package dev.sessiongateway.pathors;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemException;

/**
 * Reads and checks the bodies callers send to the Pathors routes. Only fields Pathors
 * documents are accepted.
 */
final class PathorsRequests {

	static final int MAX_VARIABLES_BYTES = 64 * 1024;

	static final int MAX_VARIABLES_DEPTH = 32;

	static final int MAX_PROJECT_ID_LENGTH = 128;

	private static final Set<String> CREATE_FIELDS = Set.of("session_id", "variables", "provider");

	private static final Set<String> END_FIELDS = Set.of("session_id");

	private static final Set<String> TERMINATE_FIELDS = Set.of("session_id", "phone_number", "message");

	private PathorsRequests() {
	}

	/** A checked create: the session id and the body to forward unchanged. */
	record Create(String sessionId, byte[] body) {
	}

	static Create create(byte[] body) {
		ObjectNode json = JsonRequests.readObject(body);
		JsonRequests.onlyFields(json, CREATE_FIELDS);
		String sessionId = JsonRequests.requiredId(json, "session_id");
		JsonRequests.optionalString(json, "provider", 64);
		JsonNode variables = json.get("variables");
		if (variables != null && !variables.isNull()) {
			if (!variables.isObject()) {
				throw ProblemException.invalid("variables", "must be a JSON object");
			}
			if (JsonRequests.depth(variables) > MAX_VARIABLES_DEPTH) {
				throw ProblemException.invalid("variables", "must not nest deeper than " + MAX_VARIABLES_DEPTH);
			}
			if (JsonRequests.serializedSize(variables) > MAX_VARIABLES_BYTES) {
				throw ProblemException.invalid("variables", "must be at most 64 KiB");
			}
		}
		return new Create(sessionId, body);
	}

	static String end(byte[] body) {
		ObjectNode json = JsonRequests.readObject(body);
		JsonRequests.onlyFields(json, END_FIELDS);
		return JsonRequests.requiredId(json, "session_id");
	}

	/** A checked terminate: the session id if one was given, and the body to forward. */
	record Terminate(@Nullable String sessionId, byte[] body) {
	}

	/**
	 * Checks a terminate like every other body: one JSON object, only the fields Pathors
	 * documents, each optional.
	 */
	static Terminate terminate(byte[] body) {
		ObjectNode json = JsonRequests.readObject(body);
		JsonRequests.onlyFields(json, TERMINATE_FIELDS);
		String sessionId = JsonRequests.optionalId(json, "session_id");
		JsonRequests.optionalString(json, "phone_number", 64);
		JsonRequests.optionalString(json, "message", 4096);
		return new Terminate(sessionId, body);
	}

	/** A project id, which travels to Pathors as a path segment. */
	static String projectId(String projectId) {
		return JsonRequests.checkId("projectId", projectId, MAX_PROJECT_ID_LENGTH);
	}

}
