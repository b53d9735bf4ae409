package dev.sessiongateway.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sessiongateway.GatewayTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's id, the caller's or one the gateway makes, is in its answer's header, in
 * every log line it writes, in its problem details (the container's own included) and in
 * the calls it makes to the provider.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestIdTests extends GatewayTestSupport {

	private static final String SESSIONS = "/v1/projects/proj-a/sessions";

	private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private HttpResponse<String> request(String method, String path, @Nullable String key, @Nullable String requestId,
			@Nullable String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		if (requestId != null) {
			request.header(RequestIds.HEADER, requestId);
		}
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertNoSecretIn(method + " " + path, response.headers() + response.body());
		return response;
	}

	private static String idOf(HttpResponse<String> response) {
		return response.headers().firstValue(RequestIds.HEADER).orElseThrow();
	}

	/**
	 * The lines that contain this text, once there is one that does: a request's access
	 * line is written just after its answer went out.
	 */
	static List<String> linesWith(CapturedOutput output, String text) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		List<String> lines = List.of();
		while (System.nanoTime() < deadline) {
			lines = output.getAll().lines().filter((line) -> line.contains(text)).toList();
			if (lines.stream().anyMatch((line) -> line.contains(" dev.sessiongateway.access "))) {
				return lines;
			}
			Thread.sleep(20);
		}
		return lines;
	}

	@Test
	void aCallersIdIsAnsweredLoggedAndSentToTheProvider(CapturedOutput output) throws Exception {
		pathors.stubFor(
				post(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"s-1\"}")));

		HttpResponse<String> response = request("POST", "/pathors" + SESSIONS, SERVICE_KEY, "caller-id.1",
				"{\"session_id\":\"s-1\"}");

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(idOf(response)).isEqualTo("caller-id.1");
		pathors.verify(postRequestedFor(urlEqualTo(SESSIONS)).withHeader(RequestIds.HEADER, equalTo("caller-id.1")));
		assertThat(linesWith(output, "[caller-id.1]")).anyMatch((line) -> line.contains("dev.sessiongateway.access"));
	}

	@Test
	void everyLineARequestLogsCarriesItsId(CapturedOutput output) throws Exception {
		long id = seedActive("pathors", "proj-a", "s-2", "orders-service");
		pathors.stubFor(delete(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(503)));
		int before = output.getAll().length();

		HttpResponse<String> response = request("DELETE", "/pathors" + SESSIONS, SERVICE_KEY, "ending-id-2",
				"{\"session_id\":\"s-2\"}");

		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(this.sessions.find(id).orElseThrow().status()).hasToString("ENDING");
		linesWith(output, "[ending-id-2]");
		List<String> lines = output.getAll()
			.substring(before)
			.lines()
			.filter((line) -> line.contains(" dev.sessiongateway."))
			.toList();
		assertThat(lines).as("the access line and the provider failure line").hasSizeGreaterThanOrEqualTo(2);
		assertThat(lines).allSatisfy((line) -> assertThat(line).contains("[ending-id-2]"));
		assertThat(lines).anyMatch((line) -> line.contains("Pathors end call to") && line.contains("answered 503"));
	}

	@Test
	void withoutAnIdTheGatewayMakesOneAndUsesItForTheProviderAndTheProblem() throws Exception {
		pathors.stubFor(post(urlEqualTo(SESSIONS)).willReturn(aResponse().withStatus(500).withBody("{}")));

		HttpResponse<String> response = request("POST", "/pathors" + SESSIONS, SERVICE_KEY, null,
				"{\"session_id\":\"s-3\"}");

		assertProblem(response, 502, "UPSTREAM_UNAVAILABLE");
		String made = idOf(response);
		assertThat(made).matches("[0-9a-f-]{36}");
		assertThat(json(response).path("requestId").asString()).isEqualTo(made);
		pathors.verify(postRequestedFor(urlEqualTo(SESSIONS)).withHeader(RequestIds.HEADER, equalTo(made)));
	}

	@Test
	void problemsOfFiltersAndOfTheAdviceCarryTheId() throws Exception {
		HttpResponse<String> unauthenticated = request("GET", "/ops/sessions", null, "no-key-4", null);
		HttpResponse<String> invalid = request("POST", "/pathors" + SESSIONS, SERVICE_KEY, "invalid-4",
				"{\"session_id\":5}");
		HttpResponse<String> unknown = request("GET", "/nothing/here", SERVICE_KEY, null, null);

		assertProblem(unauthenticated, 401, "UNAUTHENTICATED");
		assertThat(json(unauthenticated).path("requestId").asString()).isEqualTo("no-key-4");
		assertProblem(invalid, 400, "VALIDATION_FAILED");
		assertThat(json(invalid).path("requestId").asString()).isEqualTo("invalid-4");
		assertProblem(unknown, 404, "NOT_FOUND");
		assertThat(json(unknown).path("requestId").asString()).isEqualTo(idOf(unknown));
	}

	@Test
	void problemsTheContainerWritesCarryTheIdAndGetAnAccessLine(CapturedOutput output) throws Exception {
		HttpResponse<String> trace = request("TRACE", "/ops/sessions", OPS_KEY, "trace-id-5", null);
		HttpResponse<String> slash = request("GET", "/pathors" + SESSIONS + "/a%2Fb", SERVICE_KEY, "slash-id-5", null);
		HttpResponse<String> unnamed = request("GET", "/pathors" + SESSIONS + "/a%2Fb", SERVICE_KEY, null, null);

		assertProblem(trace, 405, "METHOD_NOT_ALLOWED");
		assertThat(idOf(trace)).isEqualTo("trace-id-5");
		assertThat(json(trace).path("requestId").asString()).isEqualTo("trace-id-5");
		assertProblem(slash, 400, "VALIDATION_FAILED");
		assertThat(idOf(slash)).isEqualTo("slash-id-5");
		assertThat(json(slash).path("requestId").asString()).isEqualTo("slash-id-5");
		assertThat(idOf(unnamed)).matches("[0-9a-f-]{36}");
		assertThat(json(unnamed).path("requestId").asString()).isEqualTo(idOf(unnamed));
		assertThat(linesWith(output, "[trace-id-5]")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": TRACE /ops/sessions 405 "));
		assertThat(linesWith(output, "[slash-id-5]")).singleElement()
			.satisfies((line) -> assertThat(line).contains(": GET /pathors" + SESSIONS + "/a%2Fb 400 "));
	}

	@Test
	void anIdThatIsNotAPlainTokenIsReplaced() throws Exception {
		HttpResponse<String> response = request("GET", "/ops/sessions", OPS_KEY, "x".repeat(65), null);
		HttpResponse<String> spaced = request("GET", "/ops/sessions", OPS_KEY, "two words", null);

		assertThat(idOf(response)).matches("[0-9a-f-]{36}");
		assertThat(idOf(spaced)).matches("[0-9a-f-]{36}");
	}

}
