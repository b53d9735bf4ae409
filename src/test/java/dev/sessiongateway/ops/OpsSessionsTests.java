package dev.sessiongateway.ops;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

class OpsSessionsTests extends GatewayTestSupport {

	private long active(String provider, String scope, String sessionId, String client) {
		return seedActive(provider, scope, sessionId, client);
	}

	private long failed(String sessionId) {
		return seedFailed("pathors", "proj-a", sessionId, "orders-service");
	}

	private long ended(String sessionId) {
		return seedEnded("pathors", "proj-a", sessionId, "orders-service");
	}

	private JsonNode list(String query) {
		HttpResponse<String> response = read("/ops/sessions" + query, OPS_KEY);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response);
	}

	private static List<String> sessionIds(JsonNode page) {
		List<String> ids = new ArrayList<>();
		page.path("items").forEach((item) -> ids.add(item.path("sessionId").asString()));
		return ids;
	}

	@Test
	void listsActiveSessionsByDefaultOldestFirst() {
		active("pathors", "proj-a", "a1", "orders-service");
		failed("f1");
		ended("e1");
		active("konpro", "test-account", "k1", "orders-service");

		JsonNode page = list("");

		assertThat(sessionIds(page)).containsExactly("a1", "k1");
		assertThat(page.path("nextCursor").isNull()).isTrue();
		JsonNode first = page.path("items").get(0);
		assertThat(first.path("provider").asString()).isEqualTo("pathors");
		assertThat(first.path("scope").asString()).isEqualTo("proj-a");
		assertThat(first.path("status").asString()).isEqualTo("ACTIVE");
		assertThat(first.path("client").asString()).isEqualTo("orders-service");
		assertThat(first.has("createdAt")).isTrue();
		assertThat(first.has("updatedAt")).isTrue();
	}

	@Test
	void filtersNarrowTheList() throws InterruptedException {
		active("pathors", "proj-a", "a1", "orders-service");
		active("pathors", "proj-b", "b1", "billing-service");
		active("konpro", "test-account", "k1", "orders-service");
		failed("f1");
		ended("e1");
		Thread.sleep(5);
		Instant between = Instant.now();
		Thread.sleep(5);
		active("pathors", "proj-a", "late", "orders-service");

		assertThat(sessionIds(list("?provider=konpro"))).containsExactly("k1");
		assertThat(sessionIds(list("?scope=proj-b"))).containsExactly("b1");
		assertThat(sessionIds(list("?client=billing-service"))).containsExactly("b1");
		assertThat(sessionIds(list("?sessionId=a1"))).containsExactly("a1");
		assertThat(sessionIds(list("?status=FAILED"))).containsExactly("f1");
		assertThat(sessionIds(list("?status=FAILED&status=ENDED"))).containsExactly("f1", "e1");
		assertThat(sessionIds(list("?provider=pathors&scope=proj-a"))).containsExactly("a1", "late");
		String at = URLEncoder.encode(between.toString(), StandardCharsets.UTF_8);
		assertThat(sessionIds(list("?createdAfter=" + at))).containsExactly("late");
		assertThat(sessionIds(list("?createdBefore=" + at))).containsExactly("a1", "b1", "k1");
	}

	@Test
	void limitMustBeBetweenOneAndFiveHundred() {
		for (String limit : new String[] { "0", "501", "-1", "many" }) {
			HttpResponse<String> response = read("/ops/sessions?limit=" + limit, OPS_KEY);

			assertThat(response.statusCode()).as(limit).isEqualTo(400);
			assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_FAILED");
			assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("limit");
		}
		assertThat(read("/ops/sessions?limit=500", OPS_KEY).statusCode()).isEqualTo(200);
		assertThat(read("/ops/sessions?limit=1", OPS_KEY).statusCode()).isEqualTo(200);
	}

	@Test
	void anUnknownProviderIsRefused() {
		HttpResponse<String> response = read("/ops/sessions?provider=elsewhere", OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("provider");
	}

	@Test
	void anUnknownStatusIsRefused() {
		HttpResponse<String> response = read("/ops/sessions?status=SLEEPING", OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_FAILED");
		assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("status");
		assertThat(json(response).path("errors").get(0).path("message").asString())
			.isEqualTo("must be one of [OPENING, ACTIVE, ENDING, ENDED, EXPIRED, FAILED] (in any case)");
	}

	@Test
	void providerAndStatusFiltersIgnoreCaseAlike() {
		active("pathors", "proj-a", "a1", "orders-service");
		active("konpro", "test-account", "k1", "orders-service");
		failed("f1");

		for (String query : new String[] { "?provider=pathors&status=ACTIVE", "?provider=Pathors&status=active",
				"?provider=PATHORS&status=Active" }) {
			assertThat(sessionIds(list(query))).as(query).containsExactly("a1");
		}
		assertThat(sessionIds(list("?status=failed&status=ACTIVE&provider=KonPro"))).containsExactly("k1");
		assertThat(json(read("/ops/sessions?provider=Elsewhere", OPS_KEY)).path("errors")
			.get(0)
			.path("message")
			.asString()).isEqualTo("must be one of [konpro, pathors] (in any case)");
	}

	@Test
	void cursorPagingNeitherRepeatsNorSkipsWhileRowsAreInserted() throws Exception {
		Set<String> original = new HashSet<>();
		for (int i = 0; i < 120; i++) {
			active("pathors", "proj-a", "s-" + i, "orders-service");
			original.add("s-" + i);
		}
		List<String> seen = new ArrayList<>();
		try (ExecutorService inserter = Executors.newSingleThreadExecutor()) {
			Future<?> inserting = inserter.submit(() -> {
				for (int i = 0; i < 60; i++) {
					active("pathors", "proj-a", "new-" + i, "orders-service");
				}
			});
			String cursor = null;
			int pages = 0;
			do {
				JsonNode page = list("?limit=50" + ((cursor != null) ? "&cursor=" + cursor : ""));
				seen.addAll(sessionIds(page));
				cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
				pages++;
			}
			while (cursor != null && pages < 20);
			inserting.get();
		}

		assertThat(seen).doesNotHaveDuplicates();
		assertThat(seen).containsAll(original);
		assertThat(seen.subList(0, 120)).containsExactlyElementsOf(
				original.stream().sorted((a, b) -> Integer.compare(index(a), index(b))).toList());
	}

	private static int index(String sessionId) {
		return Integer.parseInt(sessionId.substring(2));
	}

	@Test
	void aTamperedOrForeignCursorIsRefused() {
		for (int i = 0; i < 3; i++) {
			active("pathors", "proj-a", "s-" + i, "orders-service");
		}
		String cursor = list("?limit=1").path("nextCursor").asString();
		assertThat(cursor).isNotBlank();
		assertThat(list("?limit=1&cursor=" + cursor).path("items").size()).isEqualTo(1);

		String tampered = cursor.substring(0, cursor.length() - 2) + (cursor.endsWith("A") ? "BB" : "AA");
		for (String bad : new String[] { tampered, "not-a-cursor", "djEuMS4x" }) {
			HttpResponse<String> response = read("/ops/sessions?limit=1&cursor=" + bad, OPS_KEY);
			assertThat(response.statusCode()).as(bad).isEqualTo(400);
			assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("cursor");
		}
		HttpResponse<String> otherFilter = read("/ops/sessions?limit=1&provider=konpro&cursor=" + cursor, OPS_KEY);
		assertThat(otherFilter.statusCode()).isEqualTo(400);
	}

	@Test
	void oneSessionComesWithItsHistory() {
		long id = ended("e1");

		HttpResponse<String> response = read("/ops/sessions/" + id, OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode view = json(response);
		assertThat(view.path("id").asLong()).isEqualTo(id);
		assertThat(view.path("status").asString()).isEqualTo("ENDED");
		assertThat(view.path("endReason").asString()).isEqualTo("CLIENT");
		List<String> moves = new ArrayList<>();
		view.path("history").forEach((entry) -> moves.add(entry.path("to").asString()));
		assertThat(moves).containsExactly("OPENING", "ACTIVE", "ENDING", "ENDED");
	}

	@Test
	void anUnknownIdIsNotFound() {
		HttpResponse<String> response = read("/ops/sessions/987654", OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(json(response).path("code").asString()).isEqualTo("NOT_FOUND");
		assertThat(read("/ops/sessions/abc", OPS_KEY).statusCode()).isEqualTo(400);
	}

	@Test
	void viewsNeverCarryVariables() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"v1\"}")));
		send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY,
				"{\"session_id\":\"v1\",\"variables\":{\"secretish\":\"card-4242\"}}");

		HttpResponse<String> listing = read("/ops/sessions", OPS_KEY);
		HttpResponse<String> one = read("/ops/sessions/" + onlySession().id(), OPS_KEY);

		assertThat(listing.body()).contains("\"v1\"").doesNotContain("card-4242").doesNotContain("secretish");
		assertThat(one.body()).doesNotContain("card-4242");
	}

	@Test
	void forceEndEndsALiveSessionAtItsProviderAndRecordsWhoDidIt() {
		long id = active("pathors", "proj-a", "s-1", "orders-service");
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(200).withBody("{\"success\":true}")));

		HttpResponse<String> response = send("POST", "/ops/sessions/" + id + "/end", OPS_KEY, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).path("status").asString()).isEqualTo("ENDED");
		assertThat(json(response).path("endReason").asString()).isEqualTo("OPS");
		pathors.verify(1, deleteRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions"))
			.withRequestBody(equalToJson("{\"session_id\":\"s-1\"}")));
		JsonNode history = json(read("/ops/sessions/" + id, OPS_KEY)).path("history");
		assertThat(history.get(2).path("actor").asString()).isEqualTo("ops:ops-team");
	}

	@Test
	void forceEndWhileTheProviderIsDownIsAcceptedAndKeptEnding() {
		long id = active("konpro", "test-account", "k-1", "orders-service");
		konpro.stubFor(delete(urlEqualTo("/v1/widget/sessions/k-1")).willReturn(aResponse().withStatus(503)));

		HttpResponse<String> response = send("POST", "/ops/sessions/" + id + "/end", OPS_KEY, null);

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(json(response).path("status").asString()).isEqualTo("ENDING");
		assertThat(this.sessions.find(id).orElseThrow().status()).hasToString("ENDING");
	}

	@Test
	void forceEndOfASessionThatIsNoLongerLiveChangesNothing() {
		long id = ended("e-1");

		HttpResponse<String> response = send("POST", "/ops/sessions/" + id + "/end", OPS_KEY, null);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json(response).path("status").asString()).isEqualTo("ENDED");
		assertThat(json(response).path("endReason").asString()).isEqualTo("CLIENT");
		assertThat(pathors.getAllServeEvents()).isEmpty();
		assertThat(send("POST", "/ops/sessions/424242/end", OPS_KEY, null).statusCode()).isEqualTo(404);
	}

	@Test
	void statsCountLiveSessionsAndTheEndBacklog() {
		active("pathors", "proj-a", "a1", "orders-service");
		active("pathors", "proj-a", "a2", "orders-service");
		active("konpro", "test-account", "k1", "orders-service");
		failed("f1");
		long pending = seedEnding("pathors", "proj-b", "p1", "orders-service");
		long overdue = seedEnding("pathors", "proj-b", "p2", "orders-service");
		this.jdbc.update("update tracked_session set flagged_at = ending_since where id = ?", overdue);

		JsonNode stats = json(read("/ops/sessions/stats", OPS_KEY));

		assertThat(pending).isPositive();
		assertThat(stats.path("endingBacklog").asLong()).isEqualTo(2);
		assertThat(stats.path("flaggedEnds").asLong()).isEqualTo(1);
		JsonNode flaggedRow = json(read("/ops/sessions/" + overdue, OPS_KEY));
		assertThat(flaggedRow.path("flaggedAt").asString()).isEqualTo(flaggedRow.path("endingSince").asString())
			.isNotEmpty();
		assertThat(stats.path("oldestActiveAgeSeconds").asLong()).isGreaterThanOrEqualTo(0);
		List<String> rows = new ArrayList<>();
		stats.path("live")
			.forEach((row) -> rows.add(row.path("provider").asString() + "/" + row.path("scope").asString() + "/"
					+ row.path("status").asString() + "=" + row.path("count").asLong()));
		assertThat(rows).containsExactlyInAnyOrder("pathors/proj-a/ACTIVE=2", "konpro/test-account/ACTIVE=1",
				"pathors/proj-b/ENDING=2");
	}

	@Test
	void statsCountLiveSessionsByClientAndNameTheProviders() {
		active("pathors", "proj-a", "a1", "orders-service");
		active("konpro", "test-account", "k1", "orders-service");
		active("pathors", "proj-b", "b1", "billing-service");
		seedEnding("pathors", "proj-b", "b2", "billing-service");
		failed("f1");
		ended("e1");

		JsonNode stats = json(read("/ops/sessions/stats", OPS_KEY));

		List<String> rows = new ArrayList<>();
		stats.path("liveByClient")
			.forEach((row) -> rows.add(row.path("client").asString() + "/" + row.path("status").asString() + "="
					+ row.path("count").asLong()));
		assertThat(rows).containsExactly("billing-service/ACTIVE=1", "billing-service/ENDING=1",
				"orders-service/ACTIVE=2");
		List<String> providers = new ArrayList<>();
		stats.path("providers").forEach((provider) -> providers.add(provider.asString()));
		assertThat(providers).containsExactly("konpro", "pathors");
	}

}
