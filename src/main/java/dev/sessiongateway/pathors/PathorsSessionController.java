package dev.sessiongateway.pathors;

import org.jspecify.annotations.Nullable;

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
 * The Pathors session routes under {@code /pathors}: the provider's own {@code /v1}
 * paths, and the legacy paths the provider switched off, both forwarded to {@code /v1}.
 */
@RestController
@RequestMapping("/pathors")
class PathorsSessionController {

	private static final String V1 = "/v1/projects/{projectId}/sessions";

	private static final String LEGACY = "/api/project/{projectId}/integration/api/session";

	private final PathorsSessions sessions;

	PathorsSessionController(PathorsSessions sessions) {
		this.sessions = sessions;
	}

	@PostMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		return ProviderReplies.relay(this.sessions.open(caller, projectId, PathorsRequests.create(body)));
	}

	@DeleteMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> end(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		return ProviderReplies.relay(this.sessions.end(caller, projectId, PathorsRequests.end(body)));
	}

	@PostMapping(path = V1 + "/terminate", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> terminate(@PathVariable String projectId,
			@RequestBody(required = false) byte @Nullable [] body, @AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		return ProviderReplies.relay(this.sessions.terminate(projectId, PathorsRequests.terminate(body)));
	}

	@GetMapping(path = { V1 + "/{sessionId}", LEGACY + "/{sessionId}" })
	ResponseEntity<byte[]> get(@PathVariable String projectId, @PathVariable String sessionId,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		return ProviderReplies.relay(this.sessions.get(projectId, JsonRequests.checkId("sessionId", sessionId)));
	}

	private static void allow(GatewayClient caller, String projectId) {
		PathorsRequests.projectId(projectId);
		caller.requirePathorsProject(projectId);
	}

}
