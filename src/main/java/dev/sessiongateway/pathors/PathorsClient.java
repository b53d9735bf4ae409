package dev.sessiongateway.pathors;

import java.io.IOException;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import dev.sessiongateway.security.BudgetShares;
import dev.sessiongateway.upstream.RequestBudget.Draw;
import dev.sessiongateway.upstream.RequestBudgets;
import dev.sessiongateway.upstream.Upstream;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * The only class that talks HTTP to Pathors, always on its current {@code /v1} API, with
 * the developer key of the project in {@code Authorization: Bearer}. Each call draws on
 * the request budget as what it is: an open for its client, a read, or an end.
 */
@Component
class PathorsClient implements DisposableBean {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final PathorsProperties properties;

	private final Upstream upstream;

	PathorsClient(PathorsProperties properties, RestClient.Builder builder, MeterRegistry meters,
			RequestBudgets budgets, BudgetShares shares, ObjectProvider<ObservationRegistry> observations) {
		this.properties = properties;
		this.upstream = new Upstream(properties.upstream(shares.at(PathorsSessions.PROVIDER)), builder, meters,
				properties.secrets(), budgets, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	/** Creates a session for a client, within its share of the request budget. */
	UpstreamResponse create(String projectId, byte[] body, @Nullable String client) {
		return this.upstream.exchange(Draw.open(client), "create", HttpMethod.POST, "/v1/projects/{projectId}/sessions",
				auth(projectId), body, projectId);
	}

	/** Ends a session: a DELETE whose JSON body carries the session id. */
	UpstreamResponse end(String projectId, String sessionId) {
		byte[] body = JSON.writeValueAsBytes(Map.of("session_id", sessionId));
		return this.upstream.exchange(Draw.end(), "end", HttpMethod.DELETE, "/v1/projects/{projectId}/sessions",
				auth(projectId), body, projectId);
	}

	/**
	 * Terminates a live call: it ends the session, so it draws on the budget as an end.
	 */
	UpstreamResponse terminate(String projectId, byte[] body) {
		return this.upstream.exchange(Draw.end(), "terminate", HttpMethod.POST,
				"/v1/projects/{projectId}/sessions/terminate", auth(projectId), body, projectId);
	}

	UpstreamResponse get(String projectId, String sessionId) {
		return this.upstream.exchange(Draw.read(), "get", HttpMethod.GET,
				"/v1/projects/{projectId}/sessions/{sessionId}", auth(projectId), null, projectId, sessionId);
	}

	private java.util.function.Consumer<HttpHeaders> auth(String projectId) {
		String key = this.properties.keyFor(projectId);
		return (headers) -> headers.setBearerAuth(key);
	}

	@Override
	public void destroy() throws IOException {
		this.upstream.close();
	}

	/** The longest one call can take before it comes back. */
	java.time.Duration longestCall() {
		return this.upstream.longestCall();
	}

}
