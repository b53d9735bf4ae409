package dev.sessiongateway.ops;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.security.GatewayClient;
import dev.sessiongateway.tracking.ClientCount;
import dev.sessiongateway.tracking.ClientUsage;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.EndResult;
import dev.sessiongateway.tracking.SessionCount;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionQueries.Position;
import dev.sessiongateway.tracking.TrackedSession;
import dev.sessiongateway.tracking.SessionStatus;
import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * What ops staff see of every tracked session, and the force-end.
 */
@RestController
@RequestMapping("/ops/sessions")
@Tag(name = "Ops", description = "Every tracked session, for ops staff (role ops).")
@SecurityRequirement(name = ApiDocs.CLIENT_KEY)
@SecurityRequirement(name = ApiDocs.API_KEY)
@SecurityRequirement(name = ApiDocs.CONSOLE_COOKIE)
@ProblemResponses({ ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class OpsSessionController {

	/** How many sessions an export reads at a time. */
	static final int EXPORT_PAGE_SIZE = 500;

	private static final DateTimeFormatter EXPORT_NAME_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final SessionQueries sessions;

	private final Clock clock;

	private final SessionTracker tracker;

	private final OpsStats stats;

	OpsSessionController(SessionQueries sessions, Clock clock, SessionTracker tracker, OpsStats stats) {
		this.sessions = sessions;
		this.clock = clock;
		this.tracker = tracker;
		this.stats = stats;
	}

	/**
	 * A page of sessions in the order they were opened, and the cursor of the next page.
	 */
	record SessionPage(List<SessionView> items, @Nullable String nextCursor) {
	}

	@Operation(operationId = "opsList", summary = "List tracked sessions",
			description = "Sessions in the order they were opened, filtered, a page at a time: pass nextCursor "
					+ "as cursor (with the same filters) for the next page; it is null on the last one. With "
					+ "`Accept: text/csv`, every session the filters match as one CSV file, in the same order "
					+ "(limit and cursor do not apply), read and sent a page at a time.",
			parameters = {
					@Parameter(name = "provider",
							description = "a provider's name, as the stats list them under "
									+ "`providers` (any case)"),
					@Parameter(name = "scope",
							description = "where the session lives at its provider (a project id, "
									+ "an account name)"),
					@Parameter(name = "status",
							description = "one or more statuses (repeat the parameter; any case); ACTIVE when none"),
					@Parameter(name = "client", description = "the name of the client that opened the session"),
					@Parameter(name = "sessionId", description = "the session's id at the provider"),
					@Parameter(name = "createdBefore", description = "opened before this instant (ISO-8601)",
							example = "2026-12-01T12:00:00Z"),
					@Parameter(name = "createdAfter", description = "opened after this instant (ISO-8601)",
							example = "2026-12-01T00:00:00Z"),
					@Parameter(name = "limit", description = "the most sessions on one page (JSON only)"),
					@Parameter(name = "cursor", description = "the nextCursor of the previous page (JSON only)") })
	@ApiResponse(responseCode = "200",
			description = "One page of sessions; or, as text/csv, every matching session, with a header row.",
			headers = @Header(name = HttpHeaders.CONTENT_DISPOSITION,
					description = "text/csv only: `attachment; filename=\"sessions-<UTC time>.csv\"`",
					schema = @Schema(type = "string")),
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = SessionPage.class)),
					@Content(mediaType = SessionCsv.MEDIA_TYPE,
							schema = @Schema(type = "string",
									description = "RFC 4180, UTF-8: the fields of a session view but its history; a "
											+ "text a spreadsheet would run as a formula starts with '"),
							examples = @ExampleObject(name = "export", summary = "One session",
									value = SessionCsv.HEADER)) })
	@ProblemResponses(ProblemCode.VALIDATION_FAILED)
	@GetMapping
	SessionPage list(@RequestParam(required = false) @Nullable String provider,
			@RequestParam(required = false) @Nullable String scope,
			@RequestParam(name = "status", required = false) @Nullable Set<SessionStatus> statuses,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(required = false) @Nullable String sessionId,
			@RequestParam(required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) @Nullable Instant createdBefore,
			@RequestParam(required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) @Nullable Instant createdAfter,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
			@RequestParam(required = false) @Nullable String cursor) {
		String providerName = (provider != null) ? provider.toLowerCase(Locale.ROOT) : null;
		if (providerName != null && !this.tracker.providers().contains(providerName)) {
			throw ProblemException.invalid("provider",
					"must be one of " + this.tracker.providers().stream().sorted().toList() + " (in any case)");
		}
		SessionFilter filter = new SessionFilter(providerName, checked("scope", scope),
				(statuses != null) ? statuses : Set.of(), checked("client", client), checked("sessionId", sessionId),
				createdBefore, createdAfter);
		Position after = Cursor.decode(cursor, filter);
		List<TrackedSession> found = this.sessions.find(filter.search(), after, limit + 1);
		List<SessionView> items = found.stream().limit(limit).map(SessionView::of).toList();
		String next = (found.size() > limit) ? Cursor.encode(Position.of(found.get(limit - 1)), filter) : null;
		return new SessionPage(items, next);
	}

	/**
	 * Every session matching the filters, as CSV ({@code Accept: text/csv}), in the order
	 * of the listing. Read a page at a time and written as it is read, so that an export
	 * holds one page in memory however many sessions match; a filter the listing refuses
	 * is refused before anything is written. Described with the listing: one path and
	 * method is one operation, whose answer names both types.
	 */
	@Hidden
	@GetMapping(produces = SessionCsv.MEDIA_TYPE)
	void export(@RequestParam(required = false) @Nullable String provider,
			@RequestParam(required = false) @Nullable String scope,
			@RequestParam(name = "status", required = false) @Nullable Set<SessionStatus> statuses,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(required = false) @Nullable String sessionId,
			@RequestParam(required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) @Nullable Instant createdBefore,
			@RequestParam(required = false) @DateTimeFormat(
					iso = DateTimeFormat.ISO.DATE_TIME) @Nullable Instant createdAfter,
			HttpServletResponse response) throws IOException {
		SessionPage page = list(provider, scope, statuses, client, sessionId, createdBefore, createdAfter,
				EXPORT_PAGE_SIZE, null);
		String name = "sessions-" + EXPORT_NAME_TIME.format(this.clock.instant()) + ".csv";
		response.setContentType(SessionCsv.MEDIA_TYPE + ";charset=UTF-8");
		response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
				ContentDisposition.attachment().filename(name).build().toString());
		try (SessionCsv csv = new SessionCsv(new BufferedWriter(
				new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 16 * 1024))) {
			csv.header();
			while (true) {
				for (SessionView session : page.items()) {
					csv.row(session);
				}
				csv.flush();
				if (page.nextCursor() == null) {
					break;
				}
				page = list(provider, scope, statuses, client, sessionId, createdBefore, createdAfter, EXPORT_PAGE_SIZE,
						page.nextCursor());
			}
		}
	}

	@Operation(operationId = "opsRead", summary = "Read one tracked session",
			description = "One session by the gateway's own id, with its history: every change of status, who "
					+ "made it (actor) and why.")
	@ApiResponse(responseCode = "200", description = "The session and its history.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = SessionView.class)))
	@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_FOUND })
	@GetMapping("/{id}")
	SessionView one(@PathVariable long id) {
		return SessionView.of(find(id), this.sessions.history(id));
	}

	/**
	 * Force-ends a live session (reason OPS), with the same durability as a client's end:
	 * 200 with the session once the provider confirms, 202 while the end is pending. A
	 * session that is no longer live is returned as it is.
	 */
	@Operation(operationId = "opsEnd", summary = "Force-end a tracked session",
			description = "Ends exactly this row at its provider (reason OPS), as durably as a client's end. A "
					+ "session that is no longer live is returned as it is.")
	@ApiResponse(responseCode = "200", description = "The provider confirmed the end, or the session was not live.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = SessionView.class)))
	@ApiResponse(responseCode = "202",
			description = "The end is recorded but the provider did not confirm it yet; the gateway keeps trying.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = ApiDocs.EndStatus.class)))
	@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_FOUND, ProblemCode.TRACKING_UNAVAILABLE })
	@PostMapping("/{id}/end")
	ResponseEntity<?> end(@PathVariable long id, @AuthenticationPrincipal GatewayClient caller) {
		Optional<EndResult<?>> result = this.tracker.endRow(id, "ops:" + caller.name(), EndReason.OPS);
		if (result.isPresent() && result.get() instanceof EndResult.Pending<?> pending) {
			return ResponseEntity.accepted().body(pending.body());
		}
		return ResponseEntity.ok(SessionView.of(find(id)));
	}

	private TrackedSession find(long id) {
		return this.sessions.find(id)
			.orElseThrow(() -> new ProblemException(ProblemCode.NOT_FOUND, "No tracked session has that id."));
	}

	/**
	 * Live counts by provider, scope and status and by client and status, the end
	 * backlog, the ends flagged for a human and the oldest active session, as counted at
	 * {@code countedAt} (at most a few seconds ago: {@code gateway.ops.stats-max-age});
	 * what each client with caps uses against them; and the providers the gateway is
	 * configured for.
	 */
	record Stats(List<SessionCount> live, List<ClientCount> liveByClient, long endingBacklog, long flaggedEnds,
			@Nullable Instant oldestActiveCreatedAt, @Nullable Long oldestActiveAgeSeconds, List<ClientUsage> limits,
			Instant countedAt, List<String> providers) {
	}

	@Operation(operationId = "opsStats", summary = "Live counts",
			description = "Live sessions by provider, scope and status, the ENDING backlog, the ends flagged for a "
					+ "human, the oldest ACTIVE session and each capped client's use against its caps, counted at "
					+ "countedAt (at most gateway.ops.stats-max-age ago).")
	@ApiResponse(responseCode = "200", description = "The counts.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = Stats.class)))
	@GetMapping("/stats")
	Stats stats() {
		OpsStats.Counts counts = this.stats.counts();
		Instant oldest = counts.oldestActiveCreatedAt();
		Long age = (oldest != null) ? Duration.between(oldest, this.clock.instant()).toSeconds() : null;
		return new Stats(counts.live(), counts.liveByClient(), counts.endingBacklog(), counts.flaggedEnds(), oldest,
				age, counts.usage(), counts.countedAt(), this.tracker.providers().stream().sorted().toList());
	}

	/**
	 * A filter value is only compared with what is recorded, never sent to a provider: an
	 * id recorded before ids made only of dots were refused can still be looked up.
	 */
	private static @Nullable String checked(String field, @Nullable String value) {
		return (value != null) ? JsonRequests.checkText(field, value, JsonRequests.MAX_ID_LENGTH) : null;
	}

}
