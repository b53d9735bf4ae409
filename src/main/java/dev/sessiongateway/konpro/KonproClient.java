package dev.sessiongateway.konpro;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

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
 * The only class that talks HTTP to Konpro, with the account key in {@code x-api-key}.
 * Each call draws on the request budget as what it is: an open for its client, a read, or
 * an end.
 */
@Component
class KonproClient implements DisposableBean {

	private final Upstream upstream;

	private final Consumer<HttpHeaders> auth;

	KonproClient(KonproProperties properties, RestClient.Builder builder, MeterRegistry meters, RequestBudgets budgets,
			BudgetShares shares, ObjectProvider<ObservationRegistry> observations) {
		this.upstream = new Upstream(properties.upstream(shares.at(KonproSessions.PROVIDER)), builder, meters,
				List.of(properties.apiKey()), budgets, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		String key = properties.apiKey();
		this.auth = (headers) -> headers.set("x-api-key", key);
	}

	/** Creates a session for a client, within its share of the request budget. */
	UpstreamResponse create(byte[] body, @Nullable String client) {
		return this.upstream.exchange(Draw.open(client), "create", HttpMethod.POST, "/v1/widget/sessions", this.auth,
				body);
	}

	UpstreamResponse get(String sessionId) {
		return this.upstream.exchange(Draw.read(), "get", HttpMethod.GET, "/v1/widget/sessions/{sessionId}", this.auth,
				null, sessionId);
	}

	UpstreamResponse end(String sessionId) {
		return this.upstream.exchange(Draw.end(), "end", HttpMethod.DELETE, "/v1/widget/sessions/{sessionId}",
				this.auth, null, sessionId);
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
