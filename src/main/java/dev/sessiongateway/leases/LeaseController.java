package dev.sessiongateway.leases;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.CacheControl;
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
import dev.sessiongateway.security.Role;
import dev.sessiongateway.tracking.Lease;
import dev.sessiongateway.tracking.LeaseNotFoundException;
import dev.sessiongateway.tracking.LeaseState;
import dev.sessiongateway.tracking.Leases;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * A client's leases, in the manner of etcd's: {@code POST /leases} grants one,
 * {@code POST /leases/{id}/keepalive} keeps it (and every session attached to it) alive,
 * {@code GET /leases/{id}} reads it, {@code DELETE /leases/{id}} revokes it. A lease is
 * its client's own: another client's, an unknown or an ended one answers 404.
 */
@RestController
@RequestMapping("/leases")
@Tag(name = "Leases",
		description = "Leases a client holds on its sessions: a session attached to one "
				+ "(header Gateway-Lease on a create) is ended when the lease expires or is revoked.")
@ProblemResponses({ ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN, ProblemCode.TRACKING_UNAVAILABLE })
class LeaseController {

	private final Leases leases;

	LeaseController(Leases leases) {
		this.leases = leases;
	}

	/** A lease as a caller sees it. */
	@Schema(name = "Lease")
	record LeaseView(@Schema(example = "ls_3q2Yb6mZkQ8wXc1vN0aF7g") String id,
			@Schema(description = "the time to live, ISO-8601", example = "PT30S") Duration ttl,
			@Schema(description = "when the lease expires unless it is kept alive") Instant expiresAt,
			@Schema(description = "ACTIVE; EXPIRING or REVOKING while its sessions are being ended; DONE") LeaseState state) {

		static LeaseView of(Lease lease) {
			return new LeaseView(lease.id(), lease.ttl(), lease.expiresAt(), lease.state());
		}

	}

	/** A session attached to a lease, as the lease's client sees it. */
	@Schema(name = "LeaseSession")
	record LeaseSession(String provider, String scope, @Nullable String sessionId, SessionStatus status,
			Instant createdAt) {

		static LeaseSession of(TrackedSession session) {
			return new LeaseSession(session.provider(), session.scope(), session.sessionId(), session.status(),
					session.createdAt());
		}

	}

	/** A lease and its live sessions. */
	@Schema(name = "LeaseDetails")
	record LeaseDetails(String id, Duration ttl, Instant expiresAt, LeaseState state,
			@Schema(description = "sessions attached and still OPENING, ACTIVE or ENDING") long liveSessions,
			@Schema(description = "those sessions, the first 1,000") List<LeaseSession> sessions) {
	}

	/** A revoked lease. */
	@Schema(name = "RevokedLease")
	record Revoked(String id, LeaseState state,
			@Schema(description = "sessions this revoke moved to their end (ENDING, or ended as soon as "
					+ "their open resolves)") long sessionsEnding) {
	}

	@Operation(operationId = "leaseGrant", summary = "Grant a lease",
			description = "A lease with this time to live (1s to 24h), held by the calling client. Name it in a "
					+ "Gateway-Lease header when opening a session to attach the session to it.")
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = GrantRequest.class),
					examples = @ExampleObject(name = "grant", summary = "Thirty seconds", value = "{\"ttl\":\"30s\"}")))
	@ApiResponse(responseCode = "201", description = "The lease.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = LeaseView.class)))
	@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.UNSUPPORTED_MEDIA_TYPE,
			ProblemCode.PAYLOAD_TOO_LARGE })
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<LeaseView> grant(@RequestBody byte[] body, @AuthenticationPrincipal GatewayClient caller) {
		requireSessionsRole(caller);
		Duration ttl = ttl(JsonRequests.readObject(body));
		Lease lease = this.leases.grant(caller.name(), ttl);
		return ResponseEntity.created(URI.create("/leases/" + lease.id()))
			.cacheControl(CacheControl.noStore())
			.body(LeaseView.of(lease));
	}

	/** The body of a grant. */
	@Schema(name = "LeaseGrant")
	record GrantRequest(@Schema(description = "the time to live: 30s, 5m, 1h, PT30S, or seconds as a number",
			example = "30s", requiredMode = Schema.RequiredMode.REQUIRED) String ttl) {
	}

	@Operation(operationId = "leaseKeepAlive", summary = "Keep a lease alive",
			description = "Moves the lease's expiry on by its time to live, for every session attached to it at "
					+ "once. 404 once it has expired or was revoked.")
	@ApiResponse(responseCode = "200", description = "The lease, with its new expiry.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = LeaseView.class)))
	@ProblemResponses(ProblemCode.NOT_FOUND)
	@PostMapping(path = "/{id}/keepalive", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<LeaseView> keepAlive(@PathVariable String id, @AuthenticationPrincipal GatewayClient caller) {
		requireSessionsRole(caller);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(LeaseView.of(this.leases.keepAlive(caller.name(), known(id))));
	}

	@Operation(operationId = "leaseRead", summary = "Read a lease",
			description = "The lease, in whatever state, and its live sessions.")
	@ApiResponse(responseCode = "200", description = "The lease and its live sessions.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = LeaseDetails.class)))
	@ProblemResponses(ProblemCode.NOT_FOUND)
	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<LeaseDetails> read(@PathVariable String id, @AuthenticationPrincipal GatewayClient caller) {
		requireSessionsRole(caller);
		Leases.Details details = this.leases.read(caller.name(), known(id));
		Lease lease = details.lease();
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(new LeaseDetails(lease.id(), lease.ttl(), lease.expiresAt(), lease.state(), details.liveSessions(),
					details.sessions().stream().map(LeaseSession::of).toList()));
	}

	@Operation(operationId = "leaseRevoke", summary = "Revoke a lease",
			description = "Ends every session attached to the lease through the durable path (reason "
					+ "LEASE_REVOKED): they are ENDING at once, and the gateway ends them at their providers.")
	@ApiResponse(responseCode = "200", description = "The lease is revoked.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = Revoked.class)))
	@ProblemResponses(ProblemCode.NOT_FOUND)
	@DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Revoked> revoke(@PathVariable String id, @AuthenticationPrincipal GatewayClient caller) {
		requireSessionsRole(caller);
		long ending = this.leases.revoke(caller.name(), known(id));
		LeaseState state = this.leases.read(caller.name(), id).lease().state();
		return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new Revoked(id, state, ending));
	}

	/** A path id that cannot be a lease is as unknown as one that is not there. */
	private static String known(String id) {
		if (!Leases.isId(id)) {
			throw new LeaseNotFoundException();
		}
		return id;
	}

	private static void requireSessionsRole(GatewayClient caller) {
		if (!caller.roles().contains(Role.SESSIONS)) {
			throw new ProblemException(ProblemCode.FORBIDDEN, "Leases are for clients with the sessions role.");
		}
	}

	/** The body's {@code ttl}: a duration as 30s, 5m, PT30S, or seconds as a number. */
	static Duration ttl(ObjectNode body) {
		JsonRequests.onlyFields(body, java.util.Set.of("ttl"));
		JsonNode value = body.get("ttl");
		Duration ttl;
		try {
			if (value != null && value.isIntegralNumber() && value.canConvertToLong()) {
				ttl = Duration.ofSeconds(value.longValue());
			}
			else if (value != null && value.isString()) {
				ttl = DurationStyle.detectAndParse(value.stringValue());
			}
			else {
				throw ProblemException.invalid("ttl", "is required: a duration such as 30s, 5m or PT30S");
			}
		}
		catch (IllegalArgumentException | ArithmeticException ex) {
			throw ProblemException.invalid("ttl", "is not a duration such as 30s, 5m or PT30S");
		}
		if (ttl.compareTo(Leases.MIN_TTL) < 0 || ttl.compareTo(Leases.MAX_TTL) > 0) {
			throw ProblemException.invalid("ttl", "must be 1s to 24h");
		}
		return ttl;
	}

}
