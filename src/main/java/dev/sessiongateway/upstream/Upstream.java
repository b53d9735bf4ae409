package dev.sessiongateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * One provider's outbound HTTP: a {@link RestClient} over a pooled Apache HttpClient that
 * follows no redirects and retries nothing by itself, plus the classification of every
 * failure into an {@link UpstreamException}. Path ids always travel as URI variables.
 */
public final class Upstream implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Upstream.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final UpstreamSettings settings;

	private final RestClient rest;

	private final CloseableHttpClient httpClient;

	private final RequestBudget budget;

	private final ProviderGuards guards;

	private final MeterRegistry meters;

	private final AtomicLong lastDeprecationWarning = new AtomicLong();

	private final List<String> secrets;

	/**
	 * Creates the outbound side of one provider.
	 * @param secrets the credentials the gateway holds for this provider: an answer that
	 * contains one is never passed on
	 */
	public Upstream(UpstreamSettings settings, RestClient.Builder builder, MeterRegistry meters,
			Collection<String> secrets, RequestBudgets budgets) {
		this.settings = settings;
		this.secrets = secrets.stream().filter((secret) -> !secret.isBlank()).toList();
		this.meters = meters;
		this.budget = budgets.budget(settings.name().toLowerCase(java.util.Locale.ROOT), settings.rateLimitPerMinute());
		this.guards = new ProviderGuards(settings, meters);
		this.httpClient = PooledHttpClients.create(settings);
		this.rest = builder.clone()
			.requestFactory(new HttpComponentsClientHttpRequestFactory(this.httpClient))
			.baseUrl(settings.baseUrl().toString())
			.defaultHeader(HttpHeaders.USER_AGENT, "session-gateway")
			.build();
	}

	/** The longest one call can take before it comes back. */
	public java.time.Duration longestCall() {
		return this.settings.longestCall();
	}

	/**
	 * Sends one request and returns a 2xx answer or a 4xx answer about the caller's
	 * request.
	 * @param method the HTTP method
	 * @param uriTemplate the path below the base URL, with {@code {placeholders}}
	 * @param headers sets the request's credentials
	 * @param body a JSON body, or null for none
	 * @param uriVariables the values for the placeholders, encoded as path segments
	 * @throws UpstreamException for every other outcome
	 */
	public UpstreamResponse exchange(HttpMethod method, String uriTemplate, Consumer<HttpHeaders> headers,
			byte @Nullable [] body, Object... uriVariables) {
		long wait = takeFromBudget();
		if (wait > 0) {
			this.meters.counter("gateway.upstream.limited", "provider", this.settings.name()).increment();
			throw new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"The gateway's request budget for " + this.settings.name() + " is used up.", wait);
		}
		try {
			return this.guards.call(() -> UpstreamFailures.checkStatus(this.settings,
					send(method, uriTemplate, headers, body, uriVariables)));
		}
		catch (UpstreamException ex) {
			if (ex.kind() == UpstreamException.Kind.CIRCUIT_OPEN) {
				this.meters.counter("gateway.upstream.circuit.refused", "provider", this.settings.name()).increment();
			}
			else if (ex.kind() == UpstreamException.Kind.LOCAL_LIMIT) {
				this.meters.counter("gateway.upstream.limited", "provider", this.settings.name()).increment();
			}
			throw ex;
		}
	}

	/** A budget that cannot be read (its database is down) lets no request go. */
	private long takeFromBudget() {
		try {
			return this.budget.tryAcquire();
		}
		catch (RuntimeException ex) {
			log.warn("the {} request budget could not be read: {}", this.settings.name(), ex.getMessage());
			return 1;
		}
	}

	private UpstreamResponse send(HttpMethod method, String uriTemplate, Consumer<HttpHeaders> headers,
			byte @Nullable [] body, Object[] uriVariables) {
		RestClient.RequestBodySpec request = this.rest.method(method)
			.uri(uriTemplate, uriVariables)
			.headers(headers)
			.accept(MediaType.APPLICATION_JSON);
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		try {
			return request.exchange((req, res) -> read(res), true);
		}
		catch (ResourceAccessException ex) {
			throw UpstreamFailures.classify(this.settings, ex.getCause());
		}
		catch (UpstreamException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// RestClientException, an unparsable header, any other surprise while
			// reading:
			// the request went out, so the provider may have acted.
			log.debug("{} reply could not be read: {}", this.settings.name(), ex.getClass().getName());
			throw new UpstreamException(UpstreamException.Kind.MALFORMED,
					this.settings.name() + " sent a reply the gateway could not read.");
		}
	}

	private UpstreamResponse read(ClientHttpResponse response) throws IOException {
		noticeDeprecation(response.getHeaders());
		// An unparsable Content-Type throws here, and is read as a malformed reply.
		MediaType contentType = response.getHeaders().getContentType();
		long limit = this.settings.maxResponseSize().toBytes();
		UpstreamFailures.checkRateLimited(this.settings, response);
		try (InputStream in = response.getBody()) {
			byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
			if (bytes.length > limit) {
				throw new UpstreamException(UpstreamException.Kind.MALFORMED,
						this.settings.name() + " sent a reply larger than the gateway accepts.");
			}
			int status = response.getStatusCode().value();
			boolean withheld = namesASecret(bytes) || (status >= 400 && bytes.length > 0 && !isJson(bytes));
			if (withheld) {
				this.meters.counter("gateway.upstream.withheld", "provider", this.settings.name()).increment();
				bytes = new byte[0];
			}
			return new UpstreamResponse(status, (contentType != null) ? contentType.toString() : null, bytes, withheld);
		}
	}

	private boolean namesASecret(byte[] body) {
		if (this.secrets.isEmpty() || body.length == 0) {
			return false;
		}
		String text = new String(body, StandardCharsets.UTF_8);
		return this.secrets.stream().anyMatch(text::contains);
	}

	/** Whether the body is one JSON value. */
	private static boolean isJson(byte[] body) {
		try {
			JSON.readTree(body);
			return true;
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private void noticeDeprecation(HttpHeaders headers) {
		String deprecation = headers.getFirst("Deprecation");
		String sunset = headers.getFirst("Sunset");
		if (deprecation == null && sunset == null) {
			return;
		}
		this.meters.counter("gateway.upstream.deprecation.notices", "provider", this.settings.name()).increment();
		long now = System.currentTimeMillis();
		long last = this.lastDeprecationWarning.get();
		if (now - last > 60_000 && this.lastDeprecationWarning.compareAndSet(last, now)) {
			log.warn("{} marks an API the gateway uses as deprecated (Deprecation: {}, Sunset: {})",
					this.settings.name(), printable(deprecation), printable(sunset));
		}
	}

	private static @Nullable String printable(@Nullable String value) {
		return (value != null) ? value.replaceAll("[^\\x20-\\x7e]", "?") : null;
	}

	@Override
	public void close() throws IOException {
		this.httpClient.close();
	}

}
