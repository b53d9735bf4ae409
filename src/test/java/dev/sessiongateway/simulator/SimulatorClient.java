package dev.sessiongateway.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP plumbing the simulator tests share: JSON requests against one simulator's base
 * URL over HTTP/1.1, and reading a reply body as JSON. Each test adds its own key header.
 */
final class SimulatorClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final Simulator<?> simulator;

	SimulatorClient(Simulator<?> simulator) {
		this.simulator = simulator;
	}

	/**
	 * A JSON request to the given path of the simulator, with no key header yet.
	 */
	HttpRequest.Builder request(String method, String path, @Nullable String body) {
		return HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + path))
			.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody())
			.header("Content-Type", "application/json");
	}

	HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), BodyHandlers.ofString());
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

}
