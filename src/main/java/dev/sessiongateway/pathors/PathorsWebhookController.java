package dev.sessiongateway.pathors;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * Receives Pathors post-session webhooks. Deliveries are not signed, so the shared secret
 * in {@code Authorization: Bearer} is checked in constant time; repeated deliveries are
 * harmless.
 */
@RestController
@Tag(name = "Pathors webhook", description = "Where Pathors tells the gateway that a session ended.")
class PathorsWebhookController {

	private static final Logger log = LoggerFactory.getLogger(PathorsWebhookController.class);

	private static final Set<String> ENDING_EVENTS = Set.of("session.finalized", "session.ended", "call.ended");

	private final SessionTracker tracker;

	private final Clock clock;

	private final byte @Nullable [] expectedAuthorization;

	private final Duration maxSkew;

	/**
	 * Deliveries by outcome: tracked, unknown, ignored, out_of_skew, refused, invalid.
	 */
	private final Map<String, Counter> deliveries;

	PathorsWebhookController(SessionTracker tracker, Clock clock, PathorsProperties properties, MeterRegistry meters) {
		this.tracker = tracker;
		this.clock = clock;
		this.maxSkew = properties.webhookMaxSkew();
		this.deliveries = Stream.of("tracked", "unknown", "ignored", "out_of_skew", "refused", "invalid")
			.collect(Collectors.toUnmodifiableMap((outcome) -> outcome,
					(outcome) -> Counter.builder("gateway.webhooks.deliveries")
						.description("Webhook deliveries by outcome: tracked, unknown (a session never tracked), "
								+ "ignored (not an end event), out_of_skew (dated later than the accepted clock "
								+ "skew, ignored), refused (wrong secret), invalid (bad body)")
						.tags("provider", PathorsSessions.PROVIDER, "outcome", outcome)
						.register(meters)));
		String secret = properties.webhookSecret();
		this.expectedAuthorization = (secret != null && !secret.isBlank())
				? ("Bearer " + secret).getBytes(StandardCharsets.UTF_8) : null;
	}

	@Operation(operationId = "pathorsWebhook", summary = "Receive a Pathors post-session webhook",
			description = "Set as the agent's postSessionWebhook with the secret in its headers. An ending event "
					+ "marks the session that was live when it happened ENDED (PROVIDER_ENDED). Deliveries may "
					+ "repeat and are harmless; an unknown session is acknowledged, and so is a delivery dated later "
					+ "than the gateway's clock allows (gateway.pathors.webhook-max-skew), which changes nothing.",
			security = @SecurityRequirement(name = PathorsApiDocs.WEBHOOK_SECRET))
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = PathorsApiDocs.WebhookEvent.class),
					examples = {
							@ExampleObject(name = "session.ended", summary = "A session ended",
									value = PathorsApiDocs.WEBHOOK_ENDED_EXAMPLE),
							@ExampleObject(name = "session.finalized", summary = "A session closed for good",
									value = PathorsApiDocs.WEBHOOK_FINALIZED_EXAMPLE),
							@ExampleObject(name = "call.ended", summary = "A call ended",
									value = PathorsApiDocs.WEBHOOK_CALL_ENDED_EXAMPLE) }))
	@ApiResponse(responseCode = "200", description = "Received; tracked says whether the gateway knew the session.",
			content = @Content(mediaType = "application/json",
					schema = @Schema(implementation = PathorsApiDocs.WebhookReceipt.class),
					examples = @ExampleObject(name = "receipt", summary = "Received",
							value = PathorsApiDocs.RECEIPT_EXAMPLE)))
	@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.UNAUTHENTICATED, ProblemCode.PAYLOAD_TOO_LARGE,
			ProblemCode.TRACKING_UNAVAILABLE })
	@PostMapping("/webhooks/pathors/projects/{projectId}")
	ResponseEntity<PathorsApiDocs.WebhookReceipt> receive(@PathVariable String projectId,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.AUTHORIZATION,
					required = false) @Nullable String authorization,
			@RequestBody(required = false) byte @Nullable [] body) {
		if (!authorized(authorization)) {
			count("refused");
			throw new ProblemException(ProblemCode.UNAUTHENTICATED, "The webhook secret is missing or wrong.");
		}
		ObjectNode event;
		String type;
		String sessionId;
		try {
			PathorsRequests.projectId(projectId);
			event = JsonRequests.readObject(body);
			type = JsonRequests.optionalString(event, "event", 64);
			sessionId = JsonRequests.optionalString(event, "sessionId", JsonRequests.MAX_ID_LENGTH);
		}
		catch (ProblemException ex) {
			count("invalid");
			throw ex;
		}
		if (type == null || !ENDING_EVENTS.contains(type) || sessionId == null) {
			count("ignored");
			return ResponseEntity.ok(new PathorsApiDocs.WebhookReceipt(true, false));
		}
		Instant now = this.clock.instant();
		Instant happenedAt = happenedAt(event.get("timestamp"), now);
		Duration ahead = Duration.between(now, happenedAt);
		if (ahead.compareTo(this.maxSkew) > 0) {
			count("out_of_skew");
			log.warn("webhook {} dated {} s after this gateway's clock, more than gateway.pathors.webhook-max-skew "
					+ "({}) allows: ignored", type, ahead.toSeconds(), this.maxSkew);
			return ResponseEntity.ok(new PathorsApiDocs.WebhookReceipt(true, false));
		}
		SessionKey key = new SessionKey(PathorsSessions.PROVIDER, projectId, sessionId);
		boolean tracked = this.tracker.endedAtProvider(key, happenedAt, EndReason.PROVIDER_ENDED);
		count(tracked ? "tracked" : "unknown");
		if (!tracked) {
			log.debug("webhook {} for a session that is not live here", type);
		}
		return ResponseEntity.ok(new PathorsApiDocs.WebhookReceipt(true, tracked));
	}

	/**
	 * When the event happened: its {@code timestamp} (ISO-8601, or epoch seconds or
	 * milliseconds), or now when it has none that can be read.
	 */
	private static Instant happenedAt(@Nullable JsonNode timestamp, Instant now) {
		try {
			if (timestamp != null && timestamp.isString()) {
				return OffsetDateTime.parse(timestamp.stringValue()).toInstant();
			}
			if (timestamp != null && timestamp.isIntegralNumber()) {
				long value = timestamp.longValue();
				return (value > 100_000_000_000L) ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
			}
		}
		catch (DateTimeException | ArithmeticException ex) {
			log.debug("webhook timestamp not readable; using the time it arrived");
		}
		return now;
	}

	private void count(String outcome) {
		this.deliveries.get(outcome).increment();
	}

	private boolean authorized(@Nullable String authorization) {
		if (this.expectedAuthorization == null || authorization == null) {
			return false;
		}
		return MessageDigest.isEqual(this.expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8));
	}

}
