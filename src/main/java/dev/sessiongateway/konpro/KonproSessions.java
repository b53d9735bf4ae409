package dev.sessiongateway.konpro;

import java.time.Clock;

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
 * Konpro widget sessions behind tracking's provider port. Konpro chooses the session id,
 * so a create is confirmed only by a reply that names a usable one.
 */
@Component
class KonproSessions implements ProviderSessions<UpstreamResponse> {

	static final String PROVIDER = "konpro";

	private final KonproClient client;

	private final Clock clock;

	KonproSessions(KonproClient client, Clock clock) {
		this.client = client;
		this.clock = clock;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	@Override
	public ProviderOutcome<UpstreamResponse> open(OpenIntent intent) {
		return ProviderReplies.create(() -> this.client.create(intent.body(), intent.client()), (response) -> {
			KonproReplies.SessionFacts facts = KonproReplies.read(ProviderReplies.jsonObject(response), this.clock);
			if (facts.sessionId() == null) {
				throw new UpstreamException(UpstreamException.Kind.MALFORMED,
						"Konpro confirmed the create without a usable session id.");
			}
			return SessionFacts.alive(facts.sessionId(), null, facts.expiresAt());
		});
	}

	@Override
	public ProviderOutcome<UpstreamResponse> end(String scope, String sessionId) {
		return ProviderReplies.end(() -> this.client.end(sessionId));
	}

	/** Reads a session: its status and expiry, or a 404 when it is gone. */
	@Override
	public ProviderOutcome<UpstreamResponse> status(String scope, String sessionId) {
		return ProviderReplies.observe(() -> this.client.get(sessionId), (response) -> {
			KonproReplies.SessionFacts facts = KonproReplies.read(ProviderReplies.jsonObject(response), this.clock);
			return facts.isActive() ? SessionFacts.alive(sessionId, null, facts.expiresAt())
					: SessionFacts.ended(EndReason.PROVIDER_ENDED);
		});
	}

	@Override
	public java.time.Duration longestCall() {
		return this.client.longestCall();
	}

}
