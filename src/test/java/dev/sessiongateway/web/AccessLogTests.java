package dev.sessiongateway.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One access line per request, on its own logger: method, route template, status,
 * duration, client and request id, and never a body, a key or a query value.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogTests extends GatewayTestSupport {

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private HttpResponse<String> request(String method, String path, @Nullable String key, String requestId,
			@Nullable String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header(RequestIds.HEADER, requestId)
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** The access lines of one request, once it has one. */
	private static List<String> accessLines(CapturedOutput output, String requestId) throws InterruptedException {
		return RequestIdTests.linesWith(output, "[" + requestId + "]")
			.stream()
			.filter((line) -> line.contains(" dev.sessiongateway.access "))
			.toList();
	}

	@Test
	void oneLinePerRequestNamesMethodRouteTemplateStatusDurationClientAndId(CapturedOutput output) throws Exception {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));

		assertThat(request("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, "access-1",
				"{\"session_id\":\"s-1\"}")
			.statusCode()).isEqualTo(201);

		assertThat(accessLines(output, "access-1")).singleElement()
			.satisfies((line) -> assertThat(line).matches(Pattern.compile(
					".* INFO .*\\[access-1\\] \\[[0-9a-f]{32}\\] dev\\.sessiongateway\\.access +: POST /pathors/v1/projects/\\{projectId\\}/sessions "
							+ "201 \\d+\\.\\d ms client=orders-service")));
	}

	@Test
	void theLineShowsNoBodyKeyOrQueryValue(CapturedOutput output) throws Exception {
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-2\"}")));

		request("GET", "/ops/sessions?client=query-value-marker&sessionId=other-query-marker", OPS_KEY, "access-2",
				null);
		request("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, "access-3",
				"{\"session_id\":\"s-2\",\"variables\":{\"v\":\"body-value-marker\"}}");

		assertThat(accessLines(output, "access-2")).singleElement()
			.satisfies((line) -> assertThat(line).endsWith(" ms client=ops-team").contains(": GET /ops/sessions 200 "));
		assertThat(accessLines(output, "access-3")).hasSize(1);
		assertThat(output.getAll()).doesNotContain("query-value-marker")
			.doesNotContain("other-query-marker")
			.doesNotContain("body-value-marker");
		assertNoSecretIn("the log", output.getAll());
	}

	@Test
	void refusedRequestsGetALineWithTheirPath(CapturedOutput output) throws Exception {
		request("GET", "/ops/sessions", SERVICE_KEY + "-wrong", "access-4", null);
		request("GET", "/ops/sessions", LIMITED_KEY, "access-5", null);
		request("GET", "/nothing/here?x=query-value-marker", SERVICE_KEY, "access-6", null);

		assertThat(accessLines(output, "access-4")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": GET /ops/sessions 401 ").endsWith(" ms client=-"));
		assertThat(accessLines(output, "access-5")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": GET /ops/sessions 403 ")
				.endsWith(" ms client=billing-service"));
		assertThat(accessLines(output, "access-6")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": GET /nothing/here 404 "));
		assertThat(output.getAll()).doesNotContain("query-value-marker");
	}

	@Test
	void aConsoleRequestNamesTheClientThatSignedIn(CapturedOutput output) throws Exception {
		HttpResponse<String> signedIn = request("POST", "/ops/console/sign-in", null, "access-9",
				"{\"key\":\"" + OPS_KEY + "\"}");
		assertThat(signedIn.statusCode()).isEqualTo(200);
		String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

		HttpResponse<String> listed = HTTP
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ops/sessions"))
				.header(RequestIds.HEADER, "access-10")
				.header("Cookie", cookie)
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(listed.statusCode()).isEqualTo(200);
		assertThat(accessLines(output, "access-10")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": GET /ops/sessions 200 ").endsWith(" ms client=ops-team"));
	}

	@Test
	void theAccessLoggerCanBeSwitchedOff(CapturedOutput output) throws Exception {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(AccessLog.LOGGER, LogLevel.OFF);
		try {
			assertThat(request("GET", "/ops/sessions", OPS_KEY, "access-7", null).statusCode()).isEqualTo(200);
		}
		finally {
			logging.setLogLevel(AccessLog.LOGGER, null);
		}
		assertThat(request("GET", "/ops/sessions", OPS_KEY, "access-8", null).statusCode()).isEqualTo(200);

		assertThat(accessLines(output, "access-8")).hasSize(1);
		assertThat(output.getAll()).as("written before the line of the request that followed")
			.doesNotContain("[access-7]");
	}

}
