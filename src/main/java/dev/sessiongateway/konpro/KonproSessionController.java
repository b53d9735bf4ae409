package dev.sessiongateway.konpro;

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
import dev.sessiongateway.web.ProblemResponses;

/**
 * The Konpro widget-session routes under {@code /konpro}. The create body is forwarded as
 * the caller sent it and the reply returned byte for byte, never cached.
 */
@RestController
@RequestMapping("/konpro/v1/widget/sessions")
@Tag(name = KonproApiDocs.TAG, description = "Konpro's widget-session API under /konpro, each session tracked.")
@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class KonproSessionController {

	private final KonproSessions konpro;

	private final SessionTracker tracker;

	private final String account;

	private final IdempotentCreates idempotency;

	KonproSessionController(KonproSessions konpro, SessionTracker tracker, KonproProperties properties,
			IdempotentCreates idempotency) {
		this.konpro = konpro;
		this.tracker = tracker;
		this.account = properties.account();
		this.idempotency = idempotency;
	}

	@Operation(operationId = "konproCreate", summary = "Open a widget session",
			description = "Forwards the body unchanged to Konpro and returns its reply byte for byte with "
					+ "Cache-Control: no-store, once the session is recorded ACTIVE with its expiry. A create whose "
					+ "outcome is unknown is recorded FAILED and counted: send an Idempotency-Key, so that a retry "
					+ "gets that answer again instead of opening a second session.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = KonproApiDocs.CreateRequest.class),
					examples = @ExampleObject(name = "create", summary = "A session with variables",
							value = KonproApiDocs.CREATE_EXAMPLE)))
	@ApiResponse(responseCode = "200", description = "Konpro created the session; it is tracked ACTIVE.", headers = {
			@Header(name = ProviderAnswers.LEASE_HEADER,
					description = "the lease the session is attached to, when it has one: the one named, or the "
							+ "session's own lease (gateway.clients[i].default-lease-ttl)",
					schema = @Schema(type = "string")),
			@Header(name = IdempotentCreates.REPLAYED, description = IdempotentCreates.REPLAYED_DESCRIPTION,
					schema = @Schema(type = "boolean")) },
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = KonproApiDocs.Created.class),
					examples = @ExampleObject(name = "created", summary = "Confirmed",
							value = KonproApiDocs.CREATED_EXAMPLE)))
	@ProblemResponses(value = { ProblemCode.IDEMPOTENCY_KEY_REQUIRED, ProblemCode.IDEMPOTENCY_KEYS_DISABLED,
			ProblemCode.NOT_FOUND, ProblemCode.IDEMPOTENCY_KEY_IN_FLIGHT, ProblemCode.IDEMPOTENCY_KEY_REUSED,
			ProblemCode.IDEMPOTENCY_KEY_ANSWER_LOST, ProblemCode.SESSION_LIMIT_REACHED, ProblemCode.PAYLOAD_TOO_LARGE,
			ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.UPSTREAM_RATE_LIMITED,
			ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_UNAVAILABLE, ProblemCode.CIRCUIT_OPEN,
			ProblemCode.TRACKING_UNAVAILABLE, ProblemCode.UPSTREAM_TIMEOUT }, passedThrough = { 400, 404, 422 })
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> open(@RequestBody byte[] body,
			@Parameter(description = "a lease of this client's to attach the session to (POST /leases)") @RequestHeader(
					name = ProviderAnswers.LEASE_HEADER, required = false) @Nullable String lease,
			@Parameter(description = IdempotentCreates.KEY_DESCRIPTION) @RequestHeader(name = IdempotentCreates.HEADER,
					required = false) @Nullable String idempotencyKey,
			@AuthenticationPrincipal GatewayClient caller, HttpServletRequest request) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		var json = JsonRequests.readObject(body);
		JsonRequests.requiredId(json, "agentic_avatar_id");
		OpenIntent intent = new OpenIntent(this.account, null, body);
		OpenTerms terms = caller.openTerms(ProviderAnswers.lease(lease));
		return this.idempotency.create(request, idempotencyKey, caller.name(), KonproSessions.PROVIDER,
				(claim) -> ProviderAnswers
					.relay(this.tracker.open(this.konpro, intent, caller.name(), terms.withIdempotency(claim))));
	}

	/**
	 * Reads a session and refreshes what is tracked: expiry, or its end at the provider.
	 */
	@Operation(operationId = "konproRead", summary = "Read a widget session",
			description = "Konpro's answer, unchanged; the tracked expiry is refreshed, and a session Konpro no "
					+ "longer has (404) or reports ended is recorded so.")
	@ApiResponse(responseCode = "200", description = "Konpro's answer, unchanged.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = KonproApiDocs.Session.class),
					examples = @ExampleObject(name = "session", summary = "A live session",
							value = KonproApiDocs.SESSION_EXAMPLE)))
	@ProblemResponses(
			value = { ProblemCode.NOT_FOUND, ProblemCode.UPSTREAM_RATE_LIMITED,
					ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_UNAVAILABLE,
					ProblemCode.CIRCUIT_OPEN, ProblemCode.TRACKING_UNAVAILABLE, ProblemCode.UPSTREAM_TIMEOUT },
			passedThrough = { 400, 404 })
	@GetMapping("/{sessionId}")
	ResponseEntity<byte[]> get(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		return ProviderAnswers.relay(this.tracker.status(this.konpro, key(sessionId), caller.caller()));
	}

	@Operation(operationId = "konproEnd", summary = "End a widget session",
			description = "Records the end, makes one attempt at Konpro and records the outcome; what Konpro does "
					+ "not confirm is answered 202 and ended in the background. A 404 from Konpro means the "
					+ "session is already gone: it is recorded ENDED.")
	@ApiResponse(responseCode = "200",
			description = "Konpro confirmed the end (its answer, unchanged), or another request had already ended "
					+ "the session (the gateway's EndStatus).",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(oneOf = { KonproApiDocs.Deleted.class, ApiDocs.EndStatus.class }),
					examples = @ExampleObject(name = "deleted", summary = "Ended",
							value = KonproApiDocs.DELETED_EXAMPLE)))
	@ApiResponse(responseCode = "202",
			description = "The end is recorded but Konpro did not confirm it yet; the gateway keeps trying.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = ApiDocs.EndStatus.class)))
	@ProblemResponses(
			value = { ProblemCode.NOT_FOUND, ProblemCode.UPSTREAM_UNAVAILABLE, ProblemCode.TRACKING_UNAVAILABLE },
			passedThrough = { 400, 404 })
	@DeleteMapping("/{sessionId}")
	ResponseEntity<?> end(@PathVariable String sessionId, @AuthenticationPrincipal GatewayClient caller) {
		caller.requireScope(KonproSessions.PROVIDER, this.account);
		return ProviderAnswers.relay(this.tracker.end(this.konpro, key(sessionId), caller.caller(), EndReason.CLIENT));
	}

	private SessionKey key(String sessionId) {
		return new SessionKey(KonproSessions.PROVIDER, this.account, JsonRequests.checkId("sessionId", sessionId));
	}

}
