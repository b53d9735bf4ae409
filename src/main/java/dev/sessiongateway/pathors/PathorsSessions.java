package dev.sessiongateway.pathors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Service;

import dev.sessiongateway.security.GatewayClient;
import dev.sessiongateway.tracking.EndAttempt;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.EndResult;
import dev.sessiongateway.tracking.ProviderSessions;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.upstream.ProviderReplies;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * Pathors sessions: each call to the provider sits between two tracking records, the
 * intent before and the outcome after.
 */
@Service
class PathorsSessions implements ProviderSessions<UpstreamResponse> {

	static final String PROVIDER = "pathors";

	private final PathorsClient client;

	private final SessionTracker tracker;

	PathorsSessions(PathorsClient client, SessionTracker tracker) {
		this.client = client;
		this.tracker = tracker;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	/**
	 * Opens a session. Answers the provider's reply only once the session is recorded
	 * ACTIVE; a create whose outcome is unknown gets a compensating end queued.
	 */
	UpstreamResponse open(GatewayClient caller, String projectId, PathorsRequests.Create request) {
		long id = this.tracker.beginOpen(PROVIDER, projectId, request.sessionId(), caller.name());
		UpstreamResponse response;
		try {
			response = this.client.create(projectId, request.body());
		}
		catch (UpstreamException ex) {
			if (ex.isUncertain()) {
				this.tracker.compensate(id, ex.getMessage());
			}
			else {
				this.tracker.failOpen(id, ex.getMessage());
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			this.tracker.compensate(id, "create failed unexpectedly");
			throw ex;
		}
		if (!response.isSuccess()) {
			this.tracker.failOpen(id, "Pathors refused the create with " + response.status());
			return response;
		}
		String pathwayId;
		try {
			pathwayId = confirmedPathway(response, request.sessionId());
		}
		catch (UpstreamException ex) {
			this.tracker.compensate(id, ex.getMessage());
			throw ex;
		}
		this.tracker.confirmOpen(id, null, pathwayId, null);
		return response;
	}

	EndResult<UpstreamResponse> end(GatewayClient caller, String projectId, String sessionId) {
		return this.tracker.end(new SessionKey(PROVIDER, projectId, sessionId), caller.name(), EndReason.CLIENT,
				() -> endAttempt(projectId, sessionId));
	}

	@Override
	public EndAttempt<UpstreamResponse> end(String scope, String sessionId) {
		return endAttempt(scope, sessionId);
	}

	private EndAttempt<UpstreamResponse> endAttempt(String projectId, String sessionId) {
		return ProviderReplies.attemptEnd(() -> this.client.end(projectId, sessionId));
	}

	/**
	 * Terminates a live call; a tracked session the provider confirms is recorded ENDED.
	 */
	UpstreamResponse terminate(String projectId, PathorsRequests.Terminate request) {
		UpstreamResponse response = this.client.terminate(projectId, request.body());
		boolean ended = ProviderReplies.jsonObject(response).path("success").asBoolean(false);
		if (request.sessionId() != null && ended) {
			this.tracker.markEnded(new SessionKey(PROVIDER, projectId, request.sessionId()), EndReason.CLIENT);
		}
		return response;
	}

	/** Reads a session; a 404 means the provider no longer has it. */
	UpstreamResponse get(String projectId, String sessionId) {
		UpstreamResponse response = this.client.get(projectId, sessionId);
		ProviderReplies.jsonObject(response);
		if (response.isNotFound()) {
			this.tracker.markEnded(new SessionKey(PROVIDER, projectId, sessionId), EndReason.PROVIDER_GONE);
		}
		return response;
	}

	/**
	 * Marks a session ended because Pathors said so (repeated news is harmless).
	 * @return false when the gateway never tracked that session
	 */
	boolean endedAtProvider(String projectId, String sessionId) {
		SessionKey key = new SessionKey(PROVIDER, projectId, sessionId);
		return this.tracker.markEnded(key, EndReason.PROVIDER_ENDED) || this.tracker.everTracked(key);
	}

	/**
	 * Checks a create reply: {@code {sessionId, pathwayId}}, possibly wrapped in
	 * {@code data}, naming the session that was asked for.
	 */
	private static @Nullable String confirmedPathway(UpstreamResponse response, String sessionId) {
		JsonNode reply = ProviderReplies.jsonObject(response);
		if (reply.path("data").isObject() && !reply.has("sessionId")) {
			reply = reply.path("data");
		}
		JsonNode confirmed = reply.path("sessionId");
		if (!confirmed.isString() || !sessionId.equals(confirmed.stringValue())) {
			throw new UpstreamException(UpstreamException.Kind.MALFORMED,
					"Pathors confirmed the create without naming the session.");
		}
		JsonNode pathway = reply.path("pathwayId");
		if (pathway.isString() || pathway.isNumber()) {
			String value = pathway.asString();
			return (value.length() <= 256) ? value : value.substring(0, 256);
		}
		return null;
	}

}
