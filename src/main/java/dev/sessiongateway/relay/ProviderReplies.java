package dev.sessiongateway.relay;

import java.util.function.Function;
import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.ProviderOutcome;
import dev.sessiongateway.tracking.SessionFacts;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * Turns a provider's answers into {@link ProviderOutcome}s for tracking: what a status, a
 * failure or an unreadable reply means for a session, the same for every provider.
 */
public final class ProviderReplies {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProviderReplies() {
	}

	/**
	 * Reads a successful answer, which must be one JSON object as every session create,
	 * read and terminate reply is; any other answer reads as a missing node.
	 * @throws UpstreamException when a successful answer is not a JSON object
	 */
	public static JsonNode jsonObject(UpstreamResponse response) {
		if (!response.isSuccess()) {
			return MissingNode.getInstance();
		}
		try {
			JsonNode node = JSON.readTree(response.body());
			if (node != null && node.isObject()) {
				return node;
			}
		}
		catch (JacksonException ex) {
			// refused below
		}
		throw new UpstreamException(UpstreamException.Kind.MALFORMED,
				"The provider sent a reply that is not a JSON object.");
	}

	/**
	 * Calls a provider's create: a 2xx answer is read by {@code confirm} (which throws
	 * {@link UpstreamException} for a reply it cannot use), a 4xx answer refuses, and a
	 * failure after which a session may exist (5xx, timeout, reset, unreadable reply) is
	 * uncertain.
	 */
	public static ProviderOutcome<UpstreamResponse> create(Supplier<UpstreamResponse> call,
			Function<UpstreamResponse, SessionFacts> confirm) {
		UpstreamResponse response;
		try {
			response = call.get();
		}
		catch (UpstreamException ex) {
			return ex.mayHaveCreated() ? new ProviderOutcome.Uncertain<>(outcomeUnknown(ex), null)
					: new ProviderOutcome.Failed<>(ex, ex.retryAfter());
		}
		if (!response.isSuccess()) {
			return new ProviderOutcome.Refused<>(response);
		}
		try {
			return new ProviderOutcome.Confirmed<>(response, confirm.apply(response));
		}
		catch (UpstreamException ex) {
			return new ProviderOutcome.Uncertain<>(outcomeUnknown(ex), null);
		}
	}

	/**
	 * A create's failure that says what it means to the caller: the provider may have
	 * opened the session. The answer is kept with an idempotency key, and a retry under
	 * the key reads the same.
	 */
	private static UpstreamException outcomeUnknown(UpstreamException failure) {
		return new UpstreamException(failure.kind(),
				failure.getMessage() + " Whether the session was opened is unknown.", failure.retryAfterSeconds());
	}

	/**
	 * Calls a provider's end: 2xx or 404 confirm the session is gone, any other answer
	 * about the request refuses it, and every failure is worth another try.
	 */
	public static ProviderOutcome<UpstreamResponse> end(Supplier<UpstreamResponse> call) {
		return observe(call, (response) -> SessionFacts.ended(EndReason.CLIENT));
	}

	/**
	 * Calls a provider about one session (read, terminate): a 404 says the session is
	 * gone, a 2xx answer is read by {@code facts}, any other answer refuses.
	 */
	public static ProviderOutcome<UpstreamResponse> observe(Supplier<UpstreamResponse> call,
			Function<UpstreamResponse, SessionFacts> facts) {
		UpstreamResponse response;
		try {
			response = call.get();
			if (response.isNotFound()) {
				return new ProviderOutcome.Confirmed<>(response, SessionFacts.ended(EndReason.PROVIDER_GONE));
			}
			if (!response.isSuccess()) {
				return new ProviderOutcome.Refused<>(response);
			}
			return new ProviderOutcome.Confirmed<>(response, facts.apply(response));
		}
		catch (UpstreamException ex) {
			return ex.isUncertain() ? new ProviderOutcome.Uncertain<>(ex, null)
					: new ProviderOutcome.Failed<>(ex, ex.retryAfter());
		}
	}

}
