package dev.sessiongateway.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import dev.sessiongateway.GatewayTestSupport;
import dev.sessiongateway.tracking.FakeProvider;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.SessionQueries;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.intThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * {@code GET /ops/sessions} with {@code Accept: text/csv}: every matching session, all
 * pages, read a page at a time.
 */
class OpsSessionExportTests extends GatewayTestSupport {

	@MockitoSpyBean
	SessionQueries queries;

	private static final HttpClient http = HttpClient.newHttpClient();

	private HttpResponse<String> export(String query, String key) {
		return export(query, key, "text/csv");
	}

	private HttpResponse<String> export(String query, String key, String accept) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ops/sessions" + query))
			.header("Accept", accept);
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertNoSecretIn("export", response.headers() + response.body());
			return response;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void open(String provider, String scope, String sessionId, String client) {
		this.tracker.open(new FakeProvider(provider), new OpenIntent(scope, sessionId, new byte[0]), client);
	}

	/** The rows of a CSV without quoted line breaks, each split at its commas. */
	private static List<String[]> rows(HttpResponse<String> response) {
		List<String[]> rows = new ArrayList<>();
		for (String line : response.body().split("\r\n")) {
			rows.add(line.split(",", -1));
		}
		return rows;
	}

	private static List<String> column(List<String[]> rows, String name) {
		int index = Arrays.asList(rows.getFirst()).indexOf(name);
		return rows.stream().skip(1).map((row) -> row[index]).toList();
	}

	@Test
	void everyMatchingSessionIsExportedAcrossPagesReadAPageAtATime() {
		int total = 2 * OpsSessionController.EXPORT_PAGE_SIZE + 37;
		for (int i = 0; i < total; i++) {
			open("pathors", "proj-a", "s-" + i, "orders-service");
		}
		clearInvocations(this.queries);

		HttpResponse<String> response = export("", OPS_KEY);

		assertThat(response.statusCode()).isEqualTo(200);
		List<String[]> rows = rows(response);
		assertThat(rows).hasSize(total + 1);
		List<String> ids = column(rows, "sessionId");
		assertThat(new HashSet<>(ids)).hasSize(total);
		assertThat(ids.getFirst()).isEqualTo("s-0");
		assertThat(ids.getLast()).isEqualTo("s-" + (total - 1));
		// three pages of at most 500 (each read asks for one more, to know if another
		// follows)
		int page = OpsSessionController.EXPORT_PAGE_SIZE + 1;
		verify(this.queries, times(3)).find(any(), any(), eq(page));
		verify(this.queries, never()).find(any(), any(), intThat((limit) -> limit > page));
	}

	@Test
	void theExportIsACsvAttachmentWithTheViewsFields() {
		open("pathors", "proj-a", "chat-1", "orders-service");

		HttpResponse<String> response = export("", OPS_KEY);
		JsonNode item = json(read("/ops/sessions", OPS_KEY)).path("items").get(0);

		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/csv").containsIgnoringCase("charset=UTF-8"));
		assertThat(response.headers().firstValue("Content-Disposition"))
			.hasValueSatisfying((disposition) -> assertThat(disposition)
				.matches("attachment; filename=\"sessions-\\d{8}T\\d{6}Z\\.csv\""));
		List<String[]> rows = rows(response);
		assertThat(rows).hasSize(2);
		List<String> jsonFields = new ArrayList<>(item.propertyNames());
		assertThat(rows.getFirst()).containsExactlyElementsOf(jsonFields);
		for (int i = 0; i < jsonFields.size(); i++) {
			JsonNode value = item.path(jsonFields.get(i));
			assertThat(rows.get(1)[i]).as(jsonFields.get(i)).isEqualTo(value.isNull() ? "" : value.asString());
		}
	}

	@Test
	void theFiltersApplyToTheExport() {
		open("pathors", "proj-a", "a1", "orders-service");
		open("pathors", "proj-b", "b1", "billing-service");
		open("konpro", "test-account", "k1", "orders-service");
		seedFailed("pathors", "proj-a", "f1", "orders-service");
		seedEnded("pathors", "proj-a", "e1", "orders-service");

		assertThat(column(rows(export("?provider=konpro", OPS_KEY)), "sessionId")).containsExactly("k1");
		assertThat(column(rows(export("?client=billing-service", OPS_KEY)), "sessionId")).containsExactly("b1");
		assertThat(column(rows(export("?scope=proj-a", OPS_KEY)), "sessionId")).containsExactly("a1");
		assertThat(column(rows(export("?status=FAILED&status=ENDED", OPS_KEY)), "sessionId")).containsExactly("f1",
				"e1");
		assertThat(column(rows(export("?sessionId=nothing-like-it", OPS_KEY)), "sessionId")).isEmpty();
	}

	@Test
	void valuesAreQuotedAndFormulasDefused() {
		open("pathors", "proj-a", "=HYPERLINK(\"http://evil\",\"click\")", "orders-service");
		open("pathors", "proj-a", "+1,2", "orders-service");
		open("pathors", "proj-a", "@SUM(A1)", "orders-service");

		String body = export("", OPS_KEY).body();

		assertThat(body).contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",")
			.contains(",\"'+1,2\",")
			.contains(",'@SUM(A1),")
			.doesNotContain(",=HYPERLINK")
			.doesNotContain(",@SUM");
	}

	@Test
	void theExportNeverCarriesVariables() {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"v1\"}")));
		send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY,
				"{\"session_id\":\"v1\",\"variables\":{\"secretish\":\"card-4242\"}}");

		// every status: whatever became of the open, its row is exported
		String body = export("?status=OPENING&status=ACTIVE&status=ENDING&status=FAILED", OPS_KEY).body();

		assertThat(body).contains(",v1,").doesNotContain("card-4242").doesNotContain("secretish");
	}

	@Test
	void anInvalidFilterIsRefusedBeforeAnythingIsWritten() {
		HttpResponse<String> response = export("?provider=elsewhere", OPS_KEY);

		assertProblem(response, 400, "VALIDATION_FAILED");
		assertThat(json(response).path("errors").get(0).path("field").asString()).isEqualTo("provider");
		assertProblem(export("?status=SLEEPING", OPS_KEY), 400, "VALIDATION_FAILED");
	}

	@Test
	void theExportNeedsTheOpsRole() {
		open("pathors", "proj-a", "a1", "orders-service");

		assertProblem(export("", null), 401, "UNAUTHENTICATED");
		assertProblem(export("", SERVICE_KEY), 403, "FORBIDDEN");
		verify(this.queries, never()).find(any(), any(), eq(OpsSessionController.EXPORT_PAGE_SIZE + 1));
	}

	@Test
	void withoutAskingForCsvTheListingStaysJson() {
		open("pathors", "proj-a", "a1", "orders-service");

		for (String accept : new String[] { "*/*", "application/json",
				"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }) {
			HttpResponse<String> response = export("", OPS_KEY, accept);
			assertThat(response.headers().firstValue("Content-Type")).as(accept).hasValue("application/json");
			assertThat(json(response).path("items").get(0).path("sessionId").asString()).isEqualTo("a1");
		}
		verify(this.queries, atLeastOnce()).find(any(), any(), eq(51));
	}

}
