package dev.sessiongateway.ops;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.tracking.SessionTracker;
import dev.sessiongateway.tracking.UsageQueries;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * What each client's sessions used, per UTC day, for charging back; and the opens, ends
 * and live sessions of each provider over the last hours and days, for the console's
 * charts. Both read counts the ledger keeps as sessions open and end, never the history.
 */
@RestController
@RequestMapping("/ops/usage")
@Tag(name = "Ops")
@SecurityRequirement(name = ApiDocs.CLIENT_KEY)
@SecurityRequirement(name = ApiDocs.API_KEY)
@SecurityRequirement(name = ApiDocs.CONSOLE_COOKIE)
@ProblemResponses({ ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class OpsUsageController {

	/** The most days one usage answer covers. */
	static final int MAX_DAYS = 366;

	/** The days an answer covers when {@code from} is not given. */
	static final int DEFAULT_DAYS = 7;

	private final UsageQueries usage;

	private final SessionTracker tracker;

	private final Clock clock;

	OpsUsageController(UsageQueries usage, SessionTracker tracker, Clock clock) {
		this.usage = usage;
		this.tracker = tracker;
		this.clock = clock;
	}

	/**
	 * What one client's sessions at one provider and scope used on one UTC day: the opens
	 * confirmed that day, and the seconds its sessions were live within that day.
	 */
	record UsageRow(LocalDate day, String client, String provider, String scope, long opens,
			@Schema(description = "seconds the client's sessions were live within the day (to the "
					+ "millisecond); a session still live counts up to countedAt",
					example = "5400.125") BigDecimal sessionSeconds) {
	}

	/** One client's usage over all the days of an answer. */
	record ClientTotal(String client, long opens, @Schema(example = "86400.5") BigDecimal sessionSeconds) {
	}

	/**
	 * The usage of the days from {@code from} to {@code to} (UTC, both included), as of
	 * {@code countedAt}: per client, and per day, client, provider and scope.
	 */
	record Usage(LocalDate from, LocalDate to, Instant countedAt, List<ClientTotal> clients, List<UsageRow> days) {
	}

	/**
	 * One provider's sessions in one hour or UTC day from {@code start}: the sessions
	 * whose create was confirmed in it (opens), those that ended in it (ends), and those
	 * live at its end (at {@code countedAt} for the current one).
	 */
	record ActivityBucket(Instant start, String provider, long opens, long ends, long live) {
	}

	/** Buckets per hour and per UTC day, oldest first, as of {@code countedAt}. */
	record Activity(Instant countedAt, List<ActivityBucket> hourly, List<ActivityBucket> daily) {
	}

	@Operation(operationId = "opsUsage", summary = "Usage per client and day",
			description = "What each client's sessions used on each UTC day from `from` to `to` (both included; "
					+ "at most 366 days): the sessions opened (the provider confirmed the create that day) and the "
					+ "seconds they were live within the day, from the confirmed create until the end was "
					+ "confirmed (a session that crosses midnight counts in each day it spans), per client, "
					+ "provider and scope, with each client's totals. A session still live counts up to "
					+ "`countedAt`: the current day's figures (and those of a day a still-live session was "
					+ "opened on) grow until it ends. Counted as sessions open and end, not read from the "
					+ "history. With `Accept: text/csv` or `format=csv`, the rows of `days` as one CSV file.",
			parameters = {
					@Parameter(name = "from",
							description = "the first UTC day (ISO-8601 date); 6 days before `to` when not given",
							example = "2026-12-01"),
					@Parameter(name = "to", description = "the last UTC day (ISO-8601 date); today when not given",
							example = "2026-12-07"),
					@Parameter(name = "client", description = "only this client's usage"),
					@Parameter(name = "provider", description = "only this provider's sessions (any case)"),
					@Parameter(name = "scope", description = "only sessions in this scope"),
					@Parameter(name = "format",
							description = "`csv` for the CSV file (as with `Accept: text/csv`), `json` or none for "
									+ "JSON") })
	@ApiResponse(responseCode = "200",
			description = "The usage; or, as text/csv, its rows per day, client, provider and scope, with a header "
					+ "row.",
			headers = @Header(name = HttpHeaders.CONTENT_DISPOSITION,
					description = "text/csv only: `attachment; filename=\"usage-<from>-<to>.csv\"`",
					schema = @Schema(type = "string")),
			content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							schema = @Schema(implementation = Usage.class)),
					@Content(mediaType = SessionCsv.MEDIA_TYPE,
							schema = @Schema(type = "string",
									description = "RFC 4180, UTF-8: the fields of a row of days; a text a "
											+ "spreadsheet would run as a formula starts with '"),
							examples = @ExampleObject(name = "export", summary = "One client's day",
									value = UsageCsv.HEADER
											+ "2026-12-01,demo-service,provider,demo-project,12,5400.125\r\n")) })
	@ProblemResponses(ProblemCode.VALIDATION_FAILED)
	@GetMapping
	Usage usage(@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate to,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(required = false) @Nullable String provider,
			@RequestParam(required = false) @Nullable String scope,
			@RequestParam(required = false) @Nullable String format) {
		if (format != null && !format.equals("json")) {
			throw ProblemException.invalid("format", "must be csv or json");
		}
		LocalDate last = (to != null) ? to : LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		LocalDate first = (from != null) ? from : last.minusDays(DEFAULT_DAYS - 1);
		if (first.isAfter(last)) {
			throw ProblemException.invalid("from", "must not be after to");
		}
		if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
			throw ProblemException.invalid("from", "must be at most " + MAX_DAYS + " days before to, both included");
		}
		UsageQueries.Usage counted = this.usage.usage(first, last, checked("client", client), providerName(provider),
				checked("scope", scope));
		List<UsageRow> days = new ArrayList<>();
		Map<String, Duration> time = new TreeMap<>();
		Map<String, Long> opens = new TreeMap<>();
		for (UsageQueries.UsageDay day : counted.days()) {
			days.add(new UsageRow(day.day(), day.client(), day.provider(), day.scope(), day.opens(),
					seconds(day.sessionTime())));
			time.merge(day.client(), day.sessionTime(), Duration::plus);
			opens.merge(day.client(), day.opens(), Long::sum);
		}
		List<ClientTotal> clients = time.entrySet()
			.stream()
			.map((entry) -> new ClientTotal(entry.getKey(), opens.get(entry.getKey()), seconds(entry.getValue())))
			.toList();
		return new Usage(first, last, counted.countedAt(), clients, List.copyOf(days));
	}

	/**
	 * The usage as CSV, asked for with {@code Accept: text/csv} or {@code format=csv}:
	 * the filters are checked as for JSON, before anything is written. Described with the
	 * JSON: one path and method is one operation, whose answer names both types.
	 */
	@Hidden
	@GetMapping(produces = SessionCsv.MEDIA_TYPE)
	ResponseEntity<String> export(
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate to,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(required = false) @Nullable String provider,
			@RequestParam(required = false) @Nullable String scope,
			@RequestParam(required = false) @Nullable String format) throws IOException {
		if (format != null && !format.equals("csv")) {
			throw ProblemException.invalid("format", "must be csv when text/csv is asked for");
		}
		Usage found = usage(from, to, client, provider, scope, null);
		String name = "usage-" + found.from() + "-" + found.to() + ".csv";
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(name).build().toString())
			.body(UsageCsv.text(found.days()));
	}

	/**
	 * The usage as CSV, asked for in the query ({@code format=csv}) whatever is accepted.
	 */
	@Hidden
	@GetMapping(params = "format=csv")
	ResponseEntity<String> exportAsked(
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate from,
			@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate to,
			@RequestParam(required = false) @Nullable String client,
			@RequestParam(required = false) @Nullable String provider,
			@RequestParam(required = false) @Nullable String scope) throws IOException {
		return export(from, to, client, provider, scope, null);
	}

	@Operation(operationId = "opsActivity", summary = "Opens, ends and live sessions over time",
			description = "For each configured provider, the sessions opened (create confirmed) and ended in each "
					+ "of the last `hours` hours and the last `days` UTC days, the current ones included, and the "
					+ "sessions live at the end of each (at countedAt for the current one). Counted as sessions "
					+ "open and end, not read from the history; what the console's charts draw.",
			parameters = {
					@Parameter(name = "hours", description = "how many hours, the current one included (1 to 168)"),
					@Parameter(name = "days", description = "how many UTC days, today included (1 to 90)") })
	@ApiResponse(responseCode = "200", description = "The buckets, oldest first.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = Activity.class)))
	@ProblemResponses(ProblemCode.VALIDATION_FAILED)
	@GetMapping("/activity")
	Activity activity(@RequestParam(defaultValue = "48") @Min(1) @Max(168) int hours,
			@RequestParam(defaultValue = "14") @Min(1) @Max(90) int days) {
		UsageQueries.Activity counted = this.usage.activity(hours, days, this.tracker.providers());
		return new Activity(counted.countedAt(), buckets(counted.hourly()), buckets(counted.daily()));
	}

	private static List<ActivityBucket> buckets(List<UsageQueries.Bucket> buckets) {
		return buckets.stream()
			.map((bucket) -> new ActivityBucket(bucket.start(), bucket.provider(), bucket.opens(), bucket.ends(),
					bucket.live()))
			.toList();
	}

	/** Whole milliseconds of a duration, as seconds. */
	static BigDecimal seconds(Duration duration) {
		return BigDecimal.valueOf(duration.toNanos(), 9).setScale(3, RoundingMode.DOWN);
	}

	private @Nullable String providerName(@Nullable String provider) {
		String name = (provider != null) ? provider.toLowerCase(Locale.ROOT) : null;
		if (name != null && !this.tracker.providers().contains(name)) {
			throw ProblemException.invalid("provider",
					"must be one of " + this.tracker.providers().stream().sorted().toList() + " (in any case)");
		}
		return name;
	}

	private static @Nullable String checked(String field, @Nullable String value) {
		return (value != null) ? JsonRequests.checkText(field, value, JsonRequests.MAX_ID_LENGTH) : null;
	}

}
