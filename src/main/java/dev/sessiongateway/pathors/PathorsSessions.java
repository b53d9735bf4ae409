package dev.sessiongateway.pathors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.ProviderOutcome;
import dev.sessiongateway.tracking.ProviderSessions;
import dev.sessiongateway.tracking.SessionFacts;
import dev.sessiongateway.relay.ProviderReplies;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * Pathors behind tracking's provider port: its client's calls, and what its replies say
 * about a session.
 */
@Component
class PathorsSessions implements ProviderSessions<UpstreamResponse> {

	static final String PROVIDER = "pathors";

	private final PathorsClient client;

	PathorsSessions(PathorsClient client) {
		this.client = client;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	/**
	 * Creates a session; the confirmation must name the session asked for. A 5xx answer
	 * leaves the outcome unknown: it may come from the provider's edge after the session
	 * was made.
	 */
	@Override
	public ProviderOutcome<UpstreamResponse> open(OpenIntent intent) {
		String sessionId = intent.sessionId();
		if (sessionId == null) {
			throw new IllegalArgumentException("a Pathors session id is chosen by the caller");
		}
		return ProviderReplies.create(() -> this.client.create(intent.scope(), intent.body(), intent.client()),
				(response) -> SessionFacts.alive(sessionId, confirmedPathway(response, sessionId), null));
	}

	@Override
	public ProviderOutcome<UpstreamResponse> end(String scope, String sessionId) {
		return ProviderReplies.end(() -> this.client.end(scope, sessionId));
	}

	/** Reads a session: any JSON object means it lives, a 404 that it is gone. */
	@Override
	public ProviderOutcome<UpstreamResponse> status(String scope, String sessionId) {
		return ProviderReplies.observe(() -> this.client.get(scope, sessionId), (response) -> {
			ProviderReplies.jsonObject(response);
			return SessionFacts.unknown();
		});
	}

	/** Terminates a live call: {@code success: true} means the session is over. */
	ProviderOutcome<UpstreamResponse> terminate(String projectId, byte[] body) {
		return ProviderReplies.observe(() -> this.client.terminate(projectId, body),
				(response) -> ProviderReplies.jsonObject(response).path("success").asBoolean(false)
						? SessionFacts.ended(EndReason.CLIENT) : SessionFacts.unknown());
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

	@Override
	public java.time.Duration longestCall() {
		return this.client.longestCall();
	}

}
