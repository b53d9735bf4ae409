package dev.sessiongateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
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
import org.springframework.web.client.RestClientException;

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

	private final OutboundRateLimiter rateLimiter;

	private final CircuitBreaker circuit;

	private final MeterRegistry meters;

	private final AtomicLong lastDeprecationWarning = new AtomicLong();

	private final List<String> secrets;

	/**
	 * Creates the outbound side of one provider.
	 * @param secrets the credentials the gateway holds for this provider: an answer that
	 * contains one is never passed on
	 */
	public Upstream(UpstreamSettings settings, RestClient.Builder builder, MeterRegistry meters,
			Collection<String> secrets) {
		this.settings = settings;
		this.secrets = secrets.stream().filter((secret) -> !secret.isBlank()).toList();
		this.meters = meters;
		this.rateLimiter = new OutboundRateLimiter(settings.rateLimitPerMinute());
		this.circuit = new CircuitBreaker(settings.circuitFailureThreshold(), settings.circuitOpenFor());
		this.httpClient = httpClient(settings);
		this.rest = builder.clone()
			.requestFactory(new HttpComponentsClientHttpRequestFactory(this.httpClient))
			.baseUrl(settings.baseUrl().toString())
			.defaultHeader(HttpHeaders.USER_AGENT, "session-gateway")
			.build();
	}

	private static CloseableHttpClient httpClient(UpstreamSettings settings) {
		PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(settings.maxConnections())
			.setMaxConnPerRoute(settings.maxConnections())
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(Timeout.of(settings.connectTimeout()))
				.setSocketTimeout(Timeout.of(settings.readTimeout()))
				.setValidateAfterInactivity(TimeValue.ofSeconds(2))
				.setTimeToLive(TimeValue.ofMinutes(5))
				.build())
			.build();
		return HttpClients.custom()
			.setConnectionManager(connections)
			.setDefaultRequestConfig(RequestConfig.custom()
				.setConnectionRequestTimeout(Timeout.of(settings.poolWait()))
				.setResponseTimeout(Timeout.of(settings.readTimeout()))
				.build())
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableCookieManagement()
			.disableAuthCaching()
			.evictExpiredConnections()
			.evictIdleConnections(TimeValue.ofSeconds(30))
			.build();
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
		long openFor = this.circuit.tryAcquire();
		if (openFor > 0) {
			this.meters.counter("gateway.upstream.circuit.refused", "provider", this.settings.name()).increment();
			throw new UpstreamException(UpstreamException.Kind.CIRCUIT_OPEN,
					this.settings.name() + " kept failing; the gateway pauses calls to it.", openFor);
		}
		long wait = this.rateLimiter.tryAcquire();
		if (wait > 0) {
			this.meters.counter("gateway.upstream.limited", "provider", this.settings.name()).increment();
			throw new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"The gateway's request budget for " + this.settings.name() + " is used up.", wait);
		}
		try {
			UpstreamResponse response = checkStatus(send(method, uriTemplate, headers, body, uriVariables));
			this.circuit.succeeded();
			return response;
		}
		catch (UpstreamException ex) {
			if (!ex.isProviderFailure()) {
				this.circuit.succeeded();
			}
			else if (this.circuit.failed()) {
				log.warn("{} failed {} times in a row; pausing calls for {} s", this.settings.name(),
						this.settings.circuitFailureThreshold(), this.settings.circuitOpenFor().toSeconds());
			}
			throw ex;
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
			throw classify(ex.getCause());
		}
		catch (RestClientException ex) {
			throw new UpstreamException(UpstreamException.Kind.MALFORMED,
					this.settings.name() + " sent a reply the gateway could not read.");
		}
	}

	private UpstreamResponse read(ClientHttpResponse response) throws IOException {
		noticeDeprecation(response.getHeaders());
		MediaType contentType = response.getHeaders().getContentType();
		long limit = this.settings.maxResponseSize().toBytes();
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
	public static boolean isJson(byte[] body) {
		try {
			JSON.readTree(body);
			return true;
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	private UpstreamResponse checkStatus(UpstreamResponse response) {
		int status = response.status();
		String name = this.settings.name();
		if (status == 401 || status == 403) {
			log.error("{} rejected the gateway's credentials ({}): check the configured key", name, status);
			throw new UpstreamException(UpstreamException.Kind.REJECTED_CREDENTIALS,
					name + " rejected the gateway's credentials.");
		}
		if (status == 429) {
			throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, name + " is rate-limiting the gateway.",
					30L);
		}
		if (status >= 500) {
			throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, name + " answered " + status + ".");
		}
		if (status < 200 || (status >= 300 && status < 400)) {
			throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE,
					name + " answered " + status + ", which the gateway does not follow.");
		}
		return response;
	}

	private UpstreamException classify(@Nullable Throwable cause) {
		String name = this.settings.name();
		if (cause instanceof UpstreamException upstream) {
			return upstream;
		}
		if (cause instanceof ConnectionRequestTimeoutException) {
			this.meters.counter("gateway.upstream.limited", "provider", name).increment();
			return new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT,
					"All connections to " + name + " are busy.", 1L);
		}
		if (cause instanceof ConnectTimeoutException || cause instanceof HttpHostConnectException
				|| cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof NoRouteToHostException) {
			return new UpstreamException(UpstreamException.Kind.UNREACHABLE, name + " could not be reached.");
		}
		if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
			return new UpstreamException(UpstreamException.Kind.TIMED_OUT,
					name + " did not answer within " + this.settings.readTimeout().toMillis() + " ms.");
		}
		return new UpstreamException(UpstreamException.Kind.RESET,
				"The connection to " + name + " broke before an answer arrived.");
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
