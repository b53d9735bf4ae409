package dev.sessiongateway.pathors;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.idempotency.IdempotentCreates;
import dev.sessiongateway.relay.ProviderAnswers;
import dev.sessiongateway.security.GatewayClient;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.OpenTerms;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * The Pathors session routes under {@code /pathors}: the provider's own {@code /v1}
 * paths, and the legacy paths the provider switched off, both forwarded to {@code /v1}.
 */
@RestController
@RequestMapping("/pathors")
@Tag(name = PathorsApiDocs.TAG, description = "Pathors' own session API under /pathors, each session tracked.")
@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class PathorsSessionController {

	private static final String V1 = "/v1/projects/{projectId}/sessions";

	private static final String LEGACY = "/api/project/{projectId}/integration/api/session";

	private final PathorsSessions pathors;

	private final SessionTracker tracker;

	private final IdempotentCreates idempotency;

	PathorsSessionController(PathorsSessions pathors, SessionTracker tracker, IdempotentCreates idempotency) {
		this.pathors = pathors;
		this.tracker = tracker;
		this.idempotency = idempotency;
	}

	@Operation(operationId = "pathorsCreate", summary = "Open a session",
			description = "Records the intent, forwards the body unchanged to Pathors and answers once the "
					+ "outcome is recorded: a confirmed session is ACTIVE. A create whose outcome is unknown is "
					+ "ended at Pathors by the gateway (504, 5xx). With an Idempotency-Key, a retry gets the first "
					+ "answer again instead of creating a second time.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.CreateRequest.class),
					examples = @ExampleObject(name = "create", summary = "A session with variables",
							value = PathorsApiDocs.CREATE_EXAMPLE)))
	@ApiResponse(responseCode = "200", description = "Pathors confirmed the session; it is tracked ACTIVE.", headers = {
			@Header(name = ProviderAnswers.LEASE_HEADER,
					description = "the lease the session is attached to, when it has one: the one named, or the "
							+ "session's own lease (gateway.clients[i].default-lease-ttl)",
					schema = @Schema(type = "string")),
			@Header(name = IdempotentCreates.REPLAYED, description = IdempotentCreates.REPLAYED_DESCRIPTION,
					schema = @Schema(type = "boolean")) },
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.Created.class),
					examples = @ExampleObject(name = "created", summary = "Confirmed",
							value = PathorsApiDocs.CREATED_EXAMPLE)))
	@ApiResponse(responseCode = "201", description = "The same, when Pathors answers 201.", headers = {
			@Header(name = ProviderAnswers.LEASE_HEADER,
					description = "the lease the session is attached to, when it has one: the one named, or the "
							+ "session's own lease (gateway.clients[i].default-lease-ttl)",
					schema = @Schema(type = "string")),
			@Header(name = IdempotentCreates.REPLAYED, description = IdempotentCreates.REPLAYED_DESCRIPTION,
					schema = @Schema(type = "boolean")) },
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.Created.class)))
	@ProblemResponses(
			value = { ProblemCode.IDEMPOTENCY_KEY_REQUIRED, ProblemCode.IDEMPOTENCY_KEYS_DISABLED,
					ProblemCode.NOT_FOUND, ProblemCode.SESSION_ALREADY_ACTIVE, ProblemCode.IDEMPOTENCY_KEY_IN_FLIGHT,
					ProblemCode.IDEMPOTENCY_KEY_REUSED, ProblemCode.IDEMPOTENCY_KEY_ANSWER_LOST,
					ProblemCode.SESSION_LIMIT_REACHED, ProblemCode.PAYLOAD_TOO_LARGE,
					ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.UPSTREAM_RATE_LIMITED,
					ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_UNAVAILABLE,
					ProblemCode.CIRCUIT_OPEN, ProblemCode.TRACKING_UNAVAILABLE, ProblemCode.UPSTREAM_TIMEOUT },
			passedThrough = { 400, 404, 409, 422 })
	@PostMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@PathVariable String projectId, @RequestBody byte[] body,
			@Parameter(description = "a lease of this client's to attach the session to (POST /leases)") @RequestHeader(
					name = ProviderAnswers.LEASE_HEADER, required = false) @Nullable String lease,
			@Parameter(description = IdempotentCreates.KEY_DESCRIPTION) @RequestHeader(name = IdempotentCreates.HEADER,
					required = false) @Nullable String idempotencyKey,
			@AuthenticationPrincipal GatewayClient caller, HttpServletRequest request) {
		allow(caller, projectId);
		PathorsRequests.Create create = PathorsRequests.create(body);
		OpenIntent intent = new OpenIntent(projectId, create.sessionId(), create.body());
		OpenTerms terms = caller.openTerms(ProviderAnswers.lease(lease));
		return this.idempotency.create(request, idempotencyKey, caller.name(), PathorsSessions.PROVIDER,
				(claim) -> ProviderAnswers
					.relay(this.tracker.open(this.pathors, intent, caller.name(), terms.withIdempotency(claim))));
	}

	@Operation(operationId = "pathorsEnd", summary = "End a session",
			description = "Records the end, makes one attempt at Pathors and records the outcome. What Pathors "
					+ "does not confirm is answered 202 and ended by the gateway in the background. A session the "
					+ "gateway does not hold live is ended at Pathors all the same.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.EndRequest.class),
					examples = @ExampleObject(name = "end", summary = "End a session",
							value = PathorsApiDocs.END_EXAMPLE)))
	@ApiResponse(responseCode = "200",
			description = "Pathors confirmed the end (its answer, unchanged), or another request had already ended "
					+ "the session (the gateway's EndStatus).",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { PathorsApiDocs.Ended.class, ApiDocs.EndStatus.class }),
					examples = @ExampleObject(name = "ended", summary = "Ended", value = PathorsApiDocs.ENDED_EXAMPLE)))
	@ApiResponse(responseCode = "202",
			description = "The end is recorded but Pathors did not confirm it yet; the gateway keeps trying.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = ApiDocs.EndStatus.class)))
	@ProblemResponses(
			value = { ProblemCode.NOT_FOUND, ProblemCode.PAYLOAD_TOO_LARGE, ProblemCode.UNSUPPORTED_MEDIA_TYPE,
					ProblemCode.UPSTREAM_UNAVAILABLE, ProblemCode.TRACKING_UNAVAILABLE },
			passedThrough = { 400, 404, 409, 422 })
	@DeleteMapping(path = { V1, LEGACY }, consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<?> end(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		SessionKey key = key(projectId, PathorsRequests.end(body));
		return ProviderAnswers.relay(this.tracker.end(this.pathors, key, caller.caller(), EndReason.CLIENT));
	}

	/**
	 * Terminates a live call; a tracked session the provider confirms is recorded ENDED.
	 */
	@Operation(operationId = "pathorsTerminate", summary = "Terminate a live call",
			description = "Forwards the body to Pathors. When it names a tracked session and Pathors answers "
					+ "success, the session is recorded ENDED.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.TerminateRequest.class),
					examples = @ExampleObject(name = "terminate", summary = "Hang up with a goodbye",
							value = PathorsApiDocs.TERMINATE_EXAMPLE)))
	@ApiResponse(responseCode = "200", description = "Pathors' answer, unchanged.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.Terminated.class),
					examples = @ExampleObject(name = "terminated", summary = "Terminated",
							value = PathorsApiDocs.TERMINATED_EXAMPLE)))
	@ProblemResponses(value = { ProblemCode.NOT_FOUND, ProblemCode.PAYLOAD_TOO_LARGE,
			ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.UPSTREAM_RATE_LIMITED,
			ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_UNAVAILABLE, ProblemCode.CIRCUIT_OPEN,
			ProblemCode.TRACKING_UNAVAILABLE, ProblemCode.UPSTREAM_TIMEOUT }, passedThrough = { 400, 404, 409, 422 })
	@PostMapping(path = V1 + "/terminate", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> terminate(@PathVariable String projectId, @RequestBody byte[] body,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		PathorsRequests.Terminate terminate = PathorsRequests.terminate(body);
		String sessionId = terminate.sessionId();
		if (sessionId == null && caller.caller().ownOnly()) {
			// a call named only by phone number may be another client's
			throw ProblemException.invalid("session_id",
					"is required: this client may only terminate the sessions it opened");
		}
		if (sessionId == null) {
			return ProviderAnswers
				.relay(this.tracker.observe(null, () -> this.pathors.terminate(projectId, terminate.body())));
		}
		return ProviderAnswers.relay(this.tracker.observe(key(projectId, sessionId), caller.caller(),
				() -> this.pathors.terminate(projectId, terminate.body())));
	}

	/** Reads a session; a 404 means the provider no longer has it. */
	@Operation(operationId = "pathorsRead", summary = "Read a session",
			description = "Pathors' answer about the session, unchanged. A 404 means Pathors no longer has it: a "
					+ "tracked live session is recorded ENDED (PROVIDER_GONE).")
	@ApiResponse(responseCode = "200", description = "Pathors' answer, unchanged.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = PathorsApiDocs.Session.class),
					examples = @ExampleObject(name = "session", summary = "A live session",
							value = PathorsApiDocs.SESSION_EXAMPLE)))
	@ProblemResponses(
			value = { ProblemCode.NOT_FOUND, ProblemCode.UPSTREAM_RATE_LIMITED,
					ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_UNAVAILABLE,
					ProblemCode.CIRCUIT_OPEN, ProblemCode.TRACKING_UNAVAILABLE, ProblemCode.UPSTREAM_TIMEOUT },
			passedThrough = { 400, 404 })
	@GetMapping(path = { V1 + "/{sessionId}", LEGACY + "/{sessionId}" })
	ResponseEntity<byte[]> get(@PathVariable String projectId, @PathVariable String sessionId,
			@AuthenticationPrincipal GatewayClient caller) {
		allow(caller, projectId);
		SessionKey key = key(projectId, JsonRequests.checkId("sessionId", sessionId));
		return ProviderAnswers.relay(this.tracker.status(this.pathors, key, caller.caller()));
	}

	private static SessionKey key(String projectId, String sessionId) {
		return new SessionKey(PathorsSessions.PROVIDER, projectId, sessionId);
	}

	private static void allow(GatewayClient caller, String projectId) {
		PathorsRequests.projectId(projectId);
		caller.requireScope(PathorsSessions.PROVIDER, projectId);
	}

}
