package dev.sessiongateway.relay;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.EndResult;
import dev.sessiongateway.tracking.Leases;
import dev.sessiongateway.tracking.Opened;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamResponse;

/**
 * Turns a provider's answer, or tracking's answer to an end, into the caller's response.
 */
public final class ProviderAnswers {

	/**
	 * The header a caller names a lease in when it opens a session, and that names the
	 * lease a session was attached to in the answer.
	 */
	public static final String LEASE_HEADER = "Gateway-Lease";

	private ProviderAnswers() {
	}

	/**
	 * The lease a create names in {@link #LEASE_HEADER}, checked.
	 * @throws ProblemException 400 naming the header when it is not a lease id
	 */
	public static @Nullable String lease(@Nullable String header) {
		if (header == null) {
			return null;
		}
		if (!Leases.isId(header)) {
			throw ProblemException.invalid(LEASE_HEADER,
					"is not a lease id (ls_ and 22 characters, as POST /leases " + "gave it)");
		}
		return header;
	}

	/**
	 * The provider's answer to a create, and the lease the session was attached to in
	 * {@link #LEASE_HEADER}.
	 */
	public static ResponseEntity<byte[]> relay(Opened<UpstreamResponse> opened) {
		ResponseEntity<byte[]> answer = relay(opened.reply());
		if (opened.lease() == null || !answer.getStatusCode().is2xxSuccessful()) {
			return answer;
		}
		return ResponseEntity.status(answer.getStatusCode())
			.headers(answer.getHeaders())
			.header(LEASE_HEADER, opened.lease())
			.body(answer.getBody());
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
