package dev.sessiongateway.ops;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.FakeProvider;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.SessionKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /ops/usage} as JSON and CSV, and {@code GET /ops/usage/activity}, through
 * the whole gateway: what they answer for sessions opened and ended, their filters, what
 * they refuse, and that they are for ops alone.
 */
class OpsUsageTests extends GatewayTestSupport {

	@BeforeEach
	void noUsageYet() {
		this.jdbc.update("delete from usage_daily");
		this.jdbc.update("delete from activity_hourly");
	}

	private void open(String provider, String client, String scope, String sessionId) {
		this.tracker.open(new FakeProvider(provider), new OpenIntent(scope, sessionId, new byte[0]), client);
	}

	private void end(String provider, String client, String scope, String sessionId) {
		this.tracker.end(new FakeProvider(provider), new SessionKey(provider, scope, sessionId), client,
				EndReason.CLIENT);
	}

	private HttpResponse<String> get(String path, String key, String accept) {
		return send(this.port, "GET", path, key, null, null, (accept != null) ? Map.of("Accept", accept) : Map.of());
	}

	/** When the history says the session's create was confirmed, and when its end. */
	private List<Instant> heldFromTo(String sessionId) {
		return this.jdbc
			.queryForList("""
					select t.at from session_transition t join tracked_session s on s.id = t.session_ref
					where s.session_id = ? and t.to_status in ('ACTIVE', 'ENDED') order by t.id""",
					OffsetDateTime.class, sessionId)
			.stream()
			.map(OffsetDateTime::toInstant)
			.toList();
	}

	private static String today() {
		return LocalDate.now(ZoneOffset.UTC).toString();
	}

	private static JsonNode row(JsonNode usage, String client, String provider, String scope) {
		for (JsonNode row : usage.path("days")) {
			if (row.path("client").asString().equals(client) && row.path("provider").asString().equals(provider)
					&& row.path("scope").asString().equals(scope)) {
				return row;
			}
		}
		throw new AssertionError("no row for " + client + " " + provider + " " + scope + " in " + usage);
	}

	@Test
	void usageGivesEachClientsOpensAndSessionSecondsPerDayAndInTotal() {
		open("pathors", "orders-service", "proj-a", "u-1");
		open("pathors", "orders-service", "proj-a", "u-2");
		open("konpro", "orders-service", "acct", "k-1");
		open("pathors", "billing-service", "proj-b", "b-1");
		end("pathors", "orders-service", "proj-a", "u-1");
		FakeProvider refusing = new FakeProvider("pathors").faults((op, key) -> FakeProvider.Fault.REFUSED);
		this.tracker.open(refusing, new OpenIntent("proj-a", "refused", new byte[0]), "orders-service");

		HttpResponse<String> response = get("/ops/usage", OPS_KEY, null);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode usage = json(response);
		Instant countedAt = Instant.parse(usage.path("countedAt").asString());
		assertThat(usage.path("to").asString()).isEqualTo(today());
		assertThat(usage.path("from").asString())
			.isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(OpsUsageController.DEFAULT_DAYS - 1).toString());
		assertThat(usage.path("days")).hasSize(3);
		JsonNode orders = row(usage, "orders-service", "pathors", "proj-a");
		assertThat(orders.path("day").asString()).isEqualTo(today());
		assertThat(orders.path("opens").asLong()).as("the refused open is not one").isEqualTo(2);
		List<Instant> ended = heldFromTo("u-1");
		Instant confirmed = heldFromTo("u-2").getFirst();
		Duration expected = Duration.between(ended.get(0), ended.get(1)).plus(Duration.between(confirmed, countedAt));
		assertThat(orders.path("sessionSeconds").decimalValue())
			.as("u-1 from its confirmed create to its end, and u-2, still live, up to countedAt")
			.isEqualByComparingTo(OpsUsageController.seconds(expected));
		assertThat(row(usage, "orders-service", "konpro", "acct").path("opens").asLong()).isEqualTo(1);
		assertThat(row(usage, "billing-service", "pathors", "proj-b").path("opens").asLong()).isEqualTo(1);

		List<String> clients = new ArrayList<>();
		usage.path("clients").forEach((client) -> clients.add(client.path("client").asString()));
		assertThat(clients).containsExactly("billing-service", "orders-service");
		JsonNode ordersTotal = usage.path("clients").get(1);
		assertThat(ordersTotal.path("opens").asLong()).isEqualTo(3);
		assertThat(ordersTotal.path("sessionSeconds").decimalValue())
			.isGreaterThanOrEqualTo(orders.path("sessionSeconds").decimalValue());

		JsonNode billingOnly = json(get("/ops/usage?client=billing-service&from=" + today(), OPS_KEY, null));
		assertThat(billingOnly.path("days")).hasSize(1);
		assertThat(billingOnly.path("days").get(0).path("client").asString()).isEqualTo("billing-service");
		assertThat(json(get("/ops/usage?provider=KONPRO", OPS_KEY, null)).path("days")).hasSize(1);
		assertThat(json(get("/ops/usage?scope=proj-b", OPS_KEY, null)).path("days")).hasSize(1);
		String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
		assertThat(json(get("/ops/usage?from=" + yesterday + "&to=" + yesterday, OPS_KEY, null)).path("days"))
			.isEmpty();
	}

	@Test
	void theCsvHasTheRowsOfTheJsonAskedForByAcceptOrInTheQuery() {
		open("pathors", "orders-service", "proj-a", "c-1");
		open("pathors", "orders-service", "=HYPERLINK(\"x\")", "c-2");
		end("pathors", "orders-service", "proj-a", "c-1");
		String range = "?from=" + today() + "&to=" + today();

		HttpResponse<String> byAccept = get("/ops/usage" + range, OPS_KEY, "text/csv");
		HttpResponse<String> byQuery = get("/ops/usage" + range + "&format=csv", OPS_KEY, "application/json");

		for (HttpResponse<String> csv : List.of(byAccept, byQuery)) {
			assertThat(csv.statusCode()).isEqualTo(200);
			assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
			assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
				.isEqualTo("attachment; filename=\"usage-" + today() + "-" + today() + ".csv\"");
			String[] lines = csv.body().split("\r\n");
			assertThat(lines).hasSize(3);
			assertThat(lines[0]).isEqualTo("day,client,provider,scope,opens,sessionSeconds");
			assertThat(lines[1]).as("a scope that would run as a formula is written as text")
				.startsWith(today() + ",orders-service,pathors,\"'=HYPERLINK(\"\"x\"\")\",1,");
			assertThat(lines[2]).startsWith(today() + ",orders-service,pathors,proj-a,1,");
		}
		List<Instant> held = heldFromTo("c-1");
		assertThat(byAccept.body()).contains(",proj-a,1,"
				+ OpsUsageController.seconds(Duration.between(held.get(0), held.get(1))).toPlainString() + "\r\n");
		assertThat(byQuery.body().lines().skip(2).toList()).as("the ended session's row")
			.isEqualTo(byAccept.body().lines().skip(2).toList());
	}

	@Test
	void activityCountsOpensEndsAndLiveSessionsPerProviderAndHourAndDay() {
		open("pathors", "orders-service", "proj-a", "a-1");
		open("pathors", "orders-service", "proj-a", "a-2");
		open("pathors", "billing-service", "proj-b", "a-3");
		open("konpro", "orders-service", "acct", "k-1");
		end("pathors", "orders-service", "proj-a", "a-1");
		end("konpro", "orders-service", "acct", "k-1");

		JsonNode activity = json(get("/ops/usage/activity?hours=3&days=2", OPS_KEY, null));

		Instant hour = Instant.parse(activity.path("countedAt").asString()).truncatedTo(ChronoUnit.HOURS);
		assertThat(activity.path("hourly")).hasSize(3 * 2);
		assertThat(activity.path("daily")).hasSize(2 * 2);
		Map<String, List<Long>> hourly = buckets(activity.path("hourly"));
		assertThat(hourly).containsEntry(hour + " pathors", List.of(3L, 1L, 2L))
			.containsEntry(hour + " konpro", List.of(1L, 1L, 0L))
			.containsEntry(hour.minus(Duration.ofHours(1)) + " pathors", List.of(0L, 0L, 0L))
			.containsEntry(hour.minus(Duration.ofHours(2)) + " konpro", List.of(0L, 0L, 0L));
		Instant day = hour.truncatedTo(ChronoUnit.DAYS);
		assertThat(buckets(activity.path("daily"))).containsEntry(day + " pathors", List.of(3L, 1L, 2L))
			.containsEntry(day.minus(Duration.ofDays(1)) + " pathors", List.of(0L, 0L, 0L));

		JsonNode defaults = json(get("/ops/usage/activity", OPS_KEY, null));
		assertThat(defaults.path("hourly")).hasSize(48 * 2);
		assertThat(defaults.path("daily")).hasSize(14 * 2);
	}

	private static Map<String, List<Long>> buckets(JsonNode buckets) {
		Map<String, List<Long>> found = new java.util.TreeMap<>();
		buckets.forEach((bucket) -> found.put(
				Instant.parse(bucket.path("start").asString()) + " " + bucket.path("provider").asString(),
				List.of(bucket.path("opens").asLong(), bucket.path("ends").asLong(), bucket.path("live").asLong())));
		return found;
	}

	@Test
	void badRangesFiltersAndFormatsAreRefusedWithTheFieldAtFault() {
		String today = today();
		String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
		String longAgo = LocalDate.now(ZoneOffset.UTC).minusDays(OpsUsageController.MAX_DAYS).toString();
		Map<String, String> refused = Map.of("/ops/usage?from=" + tomorrow + "&to=" + today, "from",
				"/ops/usage?from=" + longAgo + "&to=" + today, "from", "/ops/usage?provider=nobody", "provider",
				"/ops/usage?format=xml", "format", "/ops/usage?from=yesterday", "from", "/ops/usage/activity?hours=0",
				"hours", "/ops/usage/activity?hours=169", "hours", "/ops/usage/activity?days=91", "days");
		refused.forEach((path, field) -> {
			HttpResponse<String> response = get(path, OPS_KEY, null);
			assertProblem(response, 400, "VALIDATION_FAILED");
			assertThat(json(response).path("errors").get(0).path("field").asString()).as(path).isEqualTo(field);
		});
		assertProblem(get("/ops/usage?from=" + tomorrow + "&to=" + today, OPS_KEY, "text/csv"), 400,
				"VALIDATION_FAILED");
		assertProblem(get("/ops/usage?from=" + tomorrow + "&to=" + today + "&format=csv", OPS_KEY, null), 400,
				"VALIDATION_FAILED");
		String widest = LocalDate.now(ZoneOffset.UTC).minusDays(OpsUsageController.MAX_DAYS - 1).toString();
		assertThat(get("/ops/usage?from=" + widest + "&to=" + today, OPS_KEY, null).statusCode()).isEqualTo(200);
	}

	@Test
	void usageAndActivityAreForOpsAlone() {
		open("pathors", "orders-service", "proj-a", "s-1");
		for (String path : List.of("/ops/usage", "/ops/usage?format=csv", "/ops/usage/activity")) {
			assertProblem(get(path, null, null), 401, "UNAUTHENTICATED");
			assertProblem(get(path, SERVICE_KEY, null), 403, "FORBIDDEN");
			assertThat(get(path, OPS_KEY, null).statusCode()).as(path).isEqualTo(200);
		}
		assertProblem(get("/ops/usage", SERVICE_KEY, "text/csv"), 403, "FORBIDDEN");
	}

}
