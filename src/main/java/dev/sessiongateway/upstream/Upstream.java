package dev.sessiongateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
 * Every call carries the request id of the work it is part of in {@code X-Request-Id} (a
 * new one when that work has none), is timed by operation and outcome, and a failed call
 * logs its cause in one line. Each call is observed ({@link UpstreamSpans}): with tracing
 * on, it is a span of the trace it is part of, and carries that trace to the provider in
 * {@code traceparent}.
 */
public final class Upstream implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Upstream.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The header that tells the provider which request of the gateway a call belongs to,
	 * as the gateway's own answers carry it.
	 */
	static final String REQUEST_ID_HEADER = "X-Request-Id";

	/** The log context key of the request id, as every log line shows it. */
	static final String REQUEST_ID_KEY = "requestId";

	private final UpstreamSettings settings;

	private final RestClient rest;

	private final CloseableHttpClient httpClient;

	private final RequestBudget budget;

	private final ProviderGuards guards;

	private final UpstreamMeters meters;

	/** Where the provider is, as failure lines name it. */
	private final String host;

	private final List<String> secrets;

	private final ObservationRegistry observations;

	/** The provider's tag, as spans name it. */
	private final String provider;

	/**
	 * Creates the outbound side of one provider, observed by nothing.
	 * @param secrets the credentials the gateway holds for this provider: an answer that
	 * contains one is never passed on
	 */
	public Upstream(UpstreamSettings settings, RestClient.Builder builder, MeterRegistry meters,
			Collection<String> secrets, RequestBudgets budgets) {
		this(settings, builder, meters, secrets, budgets, ObservationRegistry.NOOP);
	}

	/**
	 * Creates the outbound side of one provider.
	 * @param secrets the credentials the gateway holds for this provider: an answer that
	 * contains one is never passed on
	 * @param observations where its calls are observed (the registry {@code builder}'s
	 * own observations go to, when it has one)
	 */
	public Upstream(UpstreamSettings settings, RestClient.Builder builder, MeterRegistry meters,
			Collection<String> secrets, RequestBudgets budgets, ObservationRegistry observations) {
		this.settings = settings;
		this.observations = observations;
		this.provider = settings.name().toLowerCase(java.util.Locale.ROOT);
		this.secrets = secrets.stream().filter((secret) -> !secret.isBlank()).toList();
		this.meters = new UpstreamMeters(meters, settings.name());
		this.host = settings.baseUrl().getHost()
				+ ((settings.baseUrl().getPort() != -1) ? ":" + settings.baseUrl().getPort() : "");
		this.budget = budgets.budget(settings.name().toLowerCase(java.util.Locale.ROOT), settings.budgetSplit());
		this.guards = new ProviderGuards(settings, meters, observations);
		this.httpClient = PooledHttpClients.create(settings);
		this.rest = builder.clone()
			.requestFactory(new HttpComponentsClientHttpRequestFactory(this.httpClient))
			.baseUrl(settings.baseUrl().toString())
			.defaultHeader(HttpHeaders.USER_AGENT, "session-gateway")
			.observationConvention(new UpstreamSpans.ClientConvention())
			.build();
	}

	/** The longest one call can take before it comes back. */
	public java.time.Duration longestCall() {
		return this.settings.longestCall();
	}

	/**
	 * Sends one request and returns a 2xx answer or a 4xx answer about the caller's
	 * request.
	 * @param draw what the call takes from the provider's request budget: an end may use
	 * all of it, an open or a read only the part ends do not keep, an open no more than
	 * its client's share of that
	 * @param operation what the call does ({@code create}, {@code end}...), as its meters
	 * and log lines name it
	 * @param method the HTTP method
	 * @param uriTemplate the path below the base URL, with {@code {placeholders}}
	 * @param headers sets the request's credentials
	 * @param body a JSON body, or null for none
	 * @param uriVariables the values for the placeholders, encoded as path segments
	 * @throws UpstreamException for every other outcome
	 */
	public UpstreamResponse exchange(RequestBudget.Draw draw, String operation, HttpMethod method, String uriTemplate,
			Consumer<HttpHeaders> headers, byte @Nullable [] body, Object... uriVariables) {
		UpstreamMeters.Operation meters = this.meters.operation(operation);
		for (Object variable : uriVariables) {
			if (".".equals(variable) || "..".equals(variable)) {
				// a row recorded before ids were checked: nothing is sent, and a human
				// sees the failure on the row
				meters.failed(UpstreamException.Kind.NOT_SENT, System.nanoTime());
				throw new UpstreamException(UpstreamException.Kind.NOT_SENT, "The gateway does not send "
						+ this.settings.name() + " a path segment that would change its path (\"" + variable + "\").");
			}
		}
		RequestBudget.Held held = takeFromBudget(draw);
		if (held != null) {
			this.meters.limited();
			this.meters.held(draw, held.part());
			throw new UpstreamException(UpstreamException.Kind.LOCAL_LIMIT, heldBack(held.part()),
					held.retryAfterSeconds());
		}
		String requestId = MDC.get(REQUEST_ID_KEY);
		boolean ownId = requestId == null;
		if (ownId) {
			requestId = UUID.randomUUID().toString();
			MDC.put(REQUEST_ID_KEY, requestId);
		}
		String id = requestId;
		try {
			return this.guards.call(operation, () -> call(meters, method, uriTemplate, (request) -> {
				headers.accept(request);
				request.set(REQUEST_ID_HEADER, id);
			}, body, uriVariables));
		}
		catch (UpstreamException ex) {
			if (ex.kind() == UpstreamException.Kind.CIRCUIT_OPEN) {
				this.meters.circuitRefused();
			}
			else if (ex.kind() == UpstreamException.Kind.LOCAL_LIMIT) {
				this.meters.limited();
			}
			throw ex;
		}
		finally {
			if (ownId) {
				MDC.remove(REQUEST_ID_KEY);
			}
		}
	}

	/**
	 * One call that goes out: observed, timed, and its failure classified and logged.
	 */
	private UpstreamResponse call(UpstreamMeters.Operation operation, HttpMethod method, String uriTemplate,
			Consumer<HttpHeaders> headers, byte @Nullable [] body, Object[] uriVariables) {
		Observation observation = UpstreamSpans.call(this.observations, this.provider, operation.name()).start();
		String outcome = UpstreamMeters.FAILED;
		try (Observation.Scope scope = observation.openScope()) {
			UpstreamResponse response = callObserved(operation, method, uriTemplate, headers, body, uriVariables);
			outcome = UpstreamMeters.outcome(response);
			return response;
		}
		catch (UpstreamException ex) {
			outcome = UpstreamMeters.outcome(ex.kind());
			throw ex;
		}
		finally {
			observation.lowCardinalityKeyValue(UpstreamSpans.OUTCOME, outcome).stop();
		}
	}

	private UpstreamResponse callObserved(UpstreamMeters.Operation operation, HttpMethod method, String uriTemplate,
			Consumer<HttpHeaders> headers, byte @Nullable [] body, Object[] uriVariables) {
		long started = System.nanoTime();
		UpstreamException failure;
		String cause;
		try {
			UpstreamResponse response = UpstreamFailures.checkStatus(this.settings,
					send(operation, method, uriTemplate, headers, body, uriVariables));
			operation.answered(response, started);
			return response;
		}
		catch (ResourceAccessException ex) {
			failure = UpstreamFailures.classify(this.settings, ex.getCause());
			cause = UpstreamFailures.cause(this.settings, ex.getCause());
		}
		catch (UpstreamException ex) {
			failure = ex;
			cause = String.valueOf(ex.getMessage());
		}
		catch (RuntimeException ex) {
			// RestClientException, an unparsable header, any other surprise while
			// reading: the request went out, so the provider may have acted.
			failure = new UpstreamException(UpstreamException.Kind.MALFORMED,
					this.settings.name() + " sent a reply the gateway could not read.");
			cause = "a reply the gateway could not read (" + ex.getClass().getSimpleName() + ")";
		}
		operation.failed(failure.kind(), started);
		if (failure.kind() != UpstreamException.Kind.REJECTED_CREDENTIALS) {
			// refused credentials are logged as an error where they are recognised
			log.warn("{} {} call to {} failed after {} ms: {}", this.settings.name(), operation.name(), this.host,
					(System.nanoTime() - started) / 1_000_000, cause);
		}
		throw failure;
	}

	/** A budget that cannot be read (its database is down) lets no request go. */
	private RequestBudget.@Nullable Held takeFromBudget(RequestBudget.Draw draw) {
		try {
			return this.budget.take(draw);
		}
		catch (RuntimeException ex) {
			log.warn("the {} request budget could not be read: {}", this.settings.name(), ex.getMessage());
			return new RequestBudget.Held(RequestBudget.Part.WHOLE, 1);
		}
	}

	/** What the caller is told of a call the budget held back. */
	private String heldBack(RequestBudget.Part part) {
		String name = this.settings.name();
		return switch (part) {
			case WHOLE -> "The gateway's request budget for " + name + " is used up.";
			case NON_ENDS -> "The part of the gateway's request budget for " + name
					+ " that opens and reads may use is used up; the rest is kept for ends.";
			case CLIENT_SHARE ->
				"This client's share of the gateway's request budget for " + name + " opens is used up.";
		};
	}

	private UpstreamResponse send(UpstreamMeters.Operation operation, HttpMethod method, String uriTemplate,
			Consumer<HttpHeaders> headers, byte @Nullable [] body, Object[] uriVariables) {
		RestClient.RequestBodySpec request = this.rest.method(method)
			.uri(uriTemplate, uriVariables)
			.headers(headers)
			.accept(MediaType.APPLICATION_JSON);
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.exchange((req, res) -> read(operation, res), true);
	}

	private UpstreamResponse read(UpstreamMeters.Operation operation, ClientHttpResponse response) throws IOException {
		this.meters.noticeDeprecation(operation, response.getHeaders());
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
				this.meters.withheld();
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

	@Override
	public void close() throws IOException {
		this.httpClient.close();
	}

}
