package dev.sessiongateway.ops;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.tracking.EventOutbox;
import dev.sessiongateway.tracking.EventStatus;
import dev.sessiongateway.tracking.OutboxEntry;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemResponses;

/**
 * What ops staff see of the events delivered to callers: each event's type, client and
 * session or lease, and where its delivery stands (attempts, the last error, when it is
 * tried next), so that a receiver that fails, and the events given up on, are found
 * without reading logs.
 */
@RestController
@Tag(name = "Ops", description = "Every tracked session, for ops staff (role ops).")
@SecurityRequirement(name = ApiDocs.CLIENT_KEY)
@SecurityRequirement(name = ApiDocs.API_KEY)
@SecurityRequirement(name = ApiDocs.CONSOLE_COOKIE)
@ProblemResponses({ ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class OpsEventController {

	private final EventOutbox outbox;

	OpsEventController(EventOutbox outbox) {
		this.outbox = outbox;
	}

	/**
	 * An event to a caller and its delivery.
	 *
	 * @param id the gateway's own id of the event row (the order events were recorded)
	 * @param eventId the {@code webhook-id} every delivery attempt of it carries
	 * @param type what it tells: {@code session.ended}, {@code session.expired},
	 * {@code session.end_flagged}, {@code lease.expired}, {@code lease.revoked}
	 * @param sessionRef the id of the session it is about (as under /ops/sessions/{id})
	 * @param lease the lease it is about, or the session's lease
	 * @param attempts delivery attempts made so far
	 * @param nextAttemptAt when a PENDING event is tried next
	 * @param lastError why the last attempt failed, or why it was given up
	 * @param finishedAt when it was delivered or given up
	 */
	record EventView(long id, String eventId, String type, String client, @Nullable Long sessionRef,
			@Nullable String lease, EventStatus status, Instant createdAt, int attempts,
			@Nullable Instant nextAttemptAt, @Nullable Instant lastAttemptAt, @Nullable String lastError,
			@Nullable Instant finishedAt) {

		static EventView of(OutboxEntry entry) {
			return new EventView(entry.id(), entry.eventId(), entry.type().wireName(), entry.client(),
					entry.sessionRef(), entry.lease(), entry.status(), entry.createdAt(), entry.attempts(),
					entry.nextAttemptAt(), entry.lastAttemptAt(), entry.lastError(), entry.finishedAt());
		}

	}

	/** A page of events, newest first, and the cursor of the next page. */
	record EventPage(List<EventView> items, @Nullable String nextCursor) {
	}

	@Operation(operationId = "opsEvents", summary = "List events to callers",
			description = "The events delivered, being delivered or given up to clients' event URLs, newest first, "
					+ "a page at a time: pass nextCursor as cursor (with the same filters) for the next page; it is "
					+ "null on the last one.",
			parameters = {
					@Parameter(name = "status",
							description = "PENDING (not delivered yet), DELIVERED, or FAILED (given up); any case; "
									+ "every status when none"),
					@Parameter(name = "client", description = "the name of the client the events are for"),
					@Parameter(name = "limit", description = "the most events on one page"),
					@Parameter(name = "cursor", description = "the nextCursor of the previous page") })
	@ApiResponse(responseCode = "200", description = "One page of events.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = EventPage.class)))
	@ProblemResponses(ProblemCode.VALIDATION_FAILED)
	@GetMapping("/ops/events")
	EventPage list(@RequestParam(required = false) @Nullable EventStatus status,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
			@RequestParam(required = false) @Min(1) @Nullable Long cursor) {
		String clientName = (client != null) ? JsonRequests.checkText("client", client, JsonRequests.MAX_ID_LENGTH)
				: null;
		List<OutboxEntry> found = this.outbox.find(status, clientName, cursor, limit + 1);
		List<EventView> items = found.stream().limit(limit).map(EventView::of).toList();
		String next = (found.size() > limit) ? String.valueOf(found.get(limit - 1).id()) : null;
		return new EventPage(items, next);
	}

}
