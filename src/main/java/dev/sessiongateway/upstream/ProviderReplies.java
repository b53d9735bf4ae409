package dev.sessiongateway.upstream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.sessiongateway.tracking.EndAttempt;
import dev.sessiongateway.tracking.EndResult;

/**
 * Turns provider answers into responses for the caller, and provider end calls into
 * {@link EndAttempt}s.
 */
public final class ProviderReplies {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProviderReplies() {
	}

	/**
	 * The provider's status and body, unchanged, never cached; a withheld body becomes a
	 * 502 problem instead.
	 */
	public static ResponseEntity<byte[]> relay(UpstreamResponse response) {
		if (response.withheld()) {
			throw new UpstreamException(UpstreamException.Kind.MALFORMED,
					"The provider answered " + response.status() + " with a body the gateway does not pass on.");
		}
		MediaType type = MediaType.APPLICATION_JSON;
		if (response.contentType() != null) {
			try {
				type = MediaType.parseMediaType(response.contentType());
			}
			catch (IllegalArgumentException ex) {
				// keep JSON
			}
		}
		return ResponseEntity.status(response.status())
			.contentType(type)
			.cacheControl(CacheControl.noStore())
			.body(response.body());
	}

	/** The provider's answer to an end, or 202 when the end is pending. */
	public static ResponseEntity<?> relay(EndResult<UpstreamResponse> result) {
		return switch (result) {
			case EndResult.Answered<UpstreamResponse> answered -> relay(answered.reply());
			case EndResult.Pending<UpstreamResponse> pending -> ResponseEntity.status(HttpStatus.ACCEPTED)
				.cacheControl(CacheControl.noStore())
				.body(pending.accepted());
		};
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
	 * Calls a provider's end operation: 2xx or 404 confirm the end, any other answer
	 * about the request refuses it, and every failure is recorded for another try.
	 */
	public static EndAttempt<UpstreamResponse> attemptEnd(java.util.function.Supplier<UpstreamResponse> call) {
		try {
			UpstreamResponse response = call.get();
			return (response.isSuccess() || response.isNotFound()) ? EndAttempt.confirmed(response)
					: EndAttempt.refused(response);
		}
		catch (UpstreamException ex) {
			return EndAttempt.failed(ex);
		}
	}

}
