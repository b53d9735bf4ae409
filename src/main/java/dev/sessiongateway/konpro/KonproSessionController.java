package dev.sessiongateway.konpro;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.security.GatewayClient;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.upstream.ProviderReplies;
import dev.sessiongateway.web.JsonRequests;

/**
 * The Konpro widget-session routes under {@code /konpro}. The create body is forwarded as
 * the caller sent it and the reply returned byte for byte, never cached.
 */
@RestController
@RequestMapping("/konpro/v1/widget/sessions")
class KonproSessionController {

	private final KonproSessions konpro;

	private final SessionTracker tracker;

	private final String account;

	KonproSessionController(KonproSessions konpro, SessionTracker tracker, KonproProperties properties) {
		this.konpro = konpro;
		this.tracker = tracker;
		this.account = properties.account();
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@RequestBody byte[] body, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		var json = JsonRequests.readObject(body);
		JsonRequests.requiredId(json, "agentic_avatar_id");
		return ProviderReplies
			.relay(this.tracker.open(this.konpro, new OpenIntent(this.account, null, body), caller.name()));
	}

	/**
	 * Reads a session and refreshes what is tracked: expiry, or its end at the provider.
	 */
	@GetMapping("/{sessionId}")
	ResponseEntity<byte[]> get(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		return ProviderReplies.relay(this.tracker.status(this.konpro, key(sessionId)));
	}

	@DeleteMapping("/{sessionId}")
	ResponseEntity<?> end(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		return ProviderReplies.relay(this.tracker.end(this.konpro, key(sessionId), caller.name(), EndReason.CLIENT));
	}

	private SessionKey key(String sessionId) {
		return new SessionKey(KonproSessions.PROVIDER, this.account, JsonRequests.checkId("sessionId", sessionId));
	}

}
