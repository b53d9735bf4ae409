package dev.sessiongateway.upstream;

import java.net.URI;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;

/**
 * The observations (and so the trace spans) of a provider call: {@code provider wait} for
 * a place among the provider's connections, {@code provider call} around the call that
 * goes out, and, below it, the HTTP client's own span, whose request carries the trace in
 * {@code traceparent}. Their attributes name the provider, the operation and the outcome;
 * no key, header or body is ever one of them, and the HTTP span's URL is cut at its path.
 */
final class UpstreamSpans {

	/** The observation of the wait for a connection. */
	static final String WAIT = "gateway.provider.wait";

	/** The observation of one call that goes out. */
	static final String CALL = "gateway.provider.call";

	static final String PROVIDER = "provider";

	static final String OPERATION = "operation";

	static final String OUTCOME = "outcome";

	private UpstreamSpans() {
	}

	static Observation wait(ObservationRegistry observations, String provider, String operation) {
		return Observation.createNotStarted(WAIT, observations)
			.contextualName("provider wait")
			.lowCardinalityKeyValue(PROVIDER, provider)
			.lowCardinalityKeyValue(OPERATION, operation);
	}

	static Observation call(ObservationRegistry observations, String provider, String operation) {
		return Observation.createNotStarted(CALL, observations)
			.contextualName("provider call")
			.lowCardinalityKeyValue(PROVIDER, provider)
			.lowCardinalityKeyValue(OPERATION, operation);
	}

	/**
	 * The HTTP client's observation as Spring names it ({@code http.client.requests}),
	 * with the URL it records reduced to scheme, host, port and path: no user info, no
	 * query, no fragment.
	 */
	static final class ClientConvention extends DefaultClientRequestObservationConvention {

		ClientConvention() {
			super("http.client.requests");
		}

		@Override
		protected KeyValue requestUri(ClientRequestObservationContext context) {
			KeyValue full = super.requestUri(context);
			return KeyValue.of(full.getKey(), withoutQuery(full.getValue()));
		}

		static String withoutQuery(String url) {
			try {
				URI uri = URI.create(url);
				if (uri.getScheme() == null || uri.getHost() == null) {
					return "none";
				}
				String port = (uri.getPort() != -1) ? ":" + uri.getPort() : "";
				String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
				return uri.getScheme() + "://" + uri.getHost() + port + path;
			}
			catch (IllegalArgumentException ex) {
				return "none";
			}
		}

	}

}
