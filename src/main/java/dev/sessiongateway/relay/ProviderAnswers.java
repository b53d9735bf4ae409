package dev.sessiongateway.relay;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.sessiongateway.tracking.EndResult;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * Turns a provider's answer, or tracking's answer to an end, into the caller's response.
 */
public final class ProviderAnswers {

	private ProviderAnswers() {
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

	/**
	 * The provider's answer to an end; 202 when the end is pending; 200 with the ledger's
	 * status when another request ended the session first.
	 */
	public static ResponseEntity<?> relay(EndResult<UpstreamResponse> result) {
		return switch (result) {
			case EndResult.Answered<UpstreamResponse> answered -> relay(answered.reply());
			case EndResult.Pending<UpstreamResponse> pending ->
				ResponseEntity.status(HttpStatus.ACCEPTED).cacheControl(CacheControl.noStore()).body(pending.body());
			case EndResult.Settled<UpstreamResponse> settled ->
				ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(settled.body());
		};
	}

}
