package dev.sessiongateway.konpro;

import java.time.Clock;

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
 * Konpro widget sessions. Konpro chooses the session id, so the intent is recorded
 * without one and the id is filled in when the provider confirms.
 */
@Service
class KonproSessions implements ProviderSessions<UpstreamResponse> {

	static final String PROVIDER = "konpro";

	private final KonproClient client;

	private final SessionTracker tracker;

	private final String account;

	private final Clock clock;

	KonproSessions(KonproClient client, SessionTracker tracker, KonproProperties properties, Clock clock) {
		this.client = client;
		this.tracker = tracker;
		this.account = properties.account();
		this.clock = clock;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	/**
	 * Opens a widget session and answers the provider's reply unchanged, once the session
	 * is recorded ACTIVE. A create whose outcome is unknown cannot be compensated (the id
	 * is unknown): it is recorded FAILED and counted.
	 */
	UpstreamResponse open(GatewayClient caller, byte[] body) {
		long id = this.tracker.beginOpen(PROVIDER, this.account, null, caller.name());
		UpstreamResponse response;
		try {
			response = this.client.create(body);
		}
		catch (UpstreamException ex) {
			if (ex.isUncertain()) {
				this.tracker.failUncertainOpen(id, ex.getMessage());
			}
			else {
				this.tracker.failOpen(id, ex.getMessage());
			}
			throw ex;
		}
		catch (RuntimeException ex) {
			this.tracker.failUncertainOpen(id, "create failed unexpectedly");
			throw ex;
		}
		if (!response.isSuccess()) {
			this.tracker.failOpen(id, "Konpro refused the create with " + response.status());
			return response;
		}
		JsonNode reply;
		try {
			reply = ProviderReplies.jsonObject(response);
		}
		catch (UpstreamException ex) {
			this.tracker.failUncertainOpen(id, ex.getMessage());
			throw ex;
		}
		KonproReplies.SessionFacts facts = KonproReplies.read(reply, this.clock);
		if (facts.sessionId() == null) {
			UpstreamException malformed = new UpstreamException(UpstreamException.Kind.MALFORMED,
					"Konpro confirmed the create without a usable session id.");
			this.tracker.failUncertainOpen(id, malformed.getMessage());
			throw malformed;
		}
		this.tracker.confirmOpen(id, facts.sessionId(), null, facts.expiresAt());
		return response;
	}

	/**
	 * Reads a session and refreshes what is tracked: expiry, or its end at the provider.
	 */
	UpstreamResponse get(String sessionId) {
		UpstreamResponse response = this.client.get(sessionId);
		JsonNode reply = ProviderReplies.jsonObject(response);
		SessionKey key = key(sessionId);
		if (response.isNotFound()) {
			this.tracker.markEnded(key, EndReason.PROVIDER_GONE);
		}
		else if (response.isSuccess()) {
			KonproReplies.SessionFacts facts = KonproReplies.read(reply, this.clock);
			if (facts.isActive()) {
				this.tracker.refreshExpiry(key, facts.expiresAt());
			}
			else {
				this.tracker.markEnded(key, EndReason.PROVIDER_ENDED);
			}
		}
		return response;
	}

	EndResult<UpstreamResponse> end(GatewayClient caller, String sessionId) {
		return this.tracker.end(key(sessionId), caller.name(), EndReason.CLIENT, () -> end(this.account, sessionId));
	}

	@Override
	public EndAttempt<UpstreamResponse> end(String scope, String sessionId) {
		return ProviderReplies.attemptEnd(() -> this.client.end(sessionId));
	}

	private SessionKey key(String sessionId) {
		return new SessionKey(PROVIDER, this.account, sessionId);
	}

}
