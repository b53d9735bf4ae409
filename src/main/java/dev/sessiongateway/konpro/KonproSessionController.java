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
import dev.sessiongateway.upstream.ProviderReplies;
import dev.sessiongateway.web.JsonRequests;

/**
 * The Konpro widget-session routes under {@code /konpro}. The create body is forwarded as
 * the caller sent it and the reply returned byte for byte, never cached.
 */
@RestController
@RequestMapping("/konpro/v1/widget/sessions")
class KonproSessionController {

	private final KonproSessions sessions;

	KonproSessionController(KonproSessions sessions) {
		this.sessions = sessions;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@RequestBody byte[] body, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireKonpro();
		var json = JsonRequests.readObject(body);
		JsonRequests.requiredId(json, "agentic_avatar_id");
		return ProviderReplies.relay(this.sessions.open(caller, body));
	}

	@GetMapping("/{sessionId}")
	ResponseEntity<byte[]> get(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireKonpro();
		return ProviderReplies.relay(this.sessions.get(JsonRequests.checkId("sessionId", sessionId)));
	}

	@DeleteMapping("/{sessionId}")
	ResponseEntity<?> end(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireKonpro();
		return ProviderReplies.relay(this.sessions.end(caller, JsonRequests.checkId("sessionId", sessionId)));
	}

}
