package dev.sessiongateway.pathors;

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
 * The Pathors session routes under {@code /pathors}: the provider's own {@code /v1}
 * paths, and the legacy paths the provider switched off, both forwarded to {@code /v1}.
 */
@RestController
@RequestMapping("/pathors")
class PathorsSessionController {

	private static final String V1 = "/v1/projects/{projectId}/sessions";

	private static final String LEGACY = "/api/project/{projectId}/integration/api/session";

	private final PathorsSessions pathors;

	private final SessionTracker tracker;

	PathorsSessionController(PathorsSessions pathors, SessionTracker tracker) {
		this.pathors = pathors;
		this.tracker = tracker;
	}

	@PostMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		PathorsRequests.Create create = PathorsRequests.create(body);
		return ProviderReplies.relay(this.tracker.open(this.pathors,
				new OpenIntent(projectId, create.sessionId(), create.body()), caller.name()));
	}

	@DeleteMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> end(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		SessionKey key = key(projectId, PathorsRequests.end(body));
		return ProviderReplies.relay(this.tracker.end(this.pathors, key, caller.name(), EndReason.CLIENT));
	}

	/**
	 * Terminates a live call; a tracked session the provider confirms is recorded ENDED.
	 */
	@PostMapping(path = V1 + "/terminate", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> terminate(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		PathorsRequests.Terminate terminate = PathorsRequests.terminate(body);
		String sessionId = terminate.sessionId();
		if (sessionId == null) {
			return ProviderReplies
				.relay(this.tracker.observe(null, () -> this.pathors.terminate(projectId, terminate.body())));
		}
		return ProviderReplies.relay(this.tracker.observe(key(projectId, sessionId),
				() -> this.pathors.terminate(projectId, terminate.body())));
	}

	/** Reads a session; a 404 means the provider no longer has it. */
	@GetMapping(path = { V1 + "/{sessionId}", LEGACY + "/{sessionId}" })
	ResponseEntity<byte[]> get(@PathVariable String projectId, @PathVariable String sessionId,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		SessionKey key = key(projectId, JsonRequests.checkId("sessionId", sessionId));
		return ProviderReplies.relay(this.tracker.status(this.pathors, key));
	}

	private static SessionKey key(String projectId, String sessionId) {
		return new SessionKey(PathorsSessions.PROVIDER, projectId, sessionId);
	}

	private static void allow(GatewayClient caller, String projectId) {
		PathorsRequests.projectId(projectId);
		caller.requireScope(PathorsSessions.PROVIDER, projectId);
	}

}
