package dev.sessiongateway.upstream;

import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The Apache HttpClient under each provider's {@code RestClient}: an explicit pool of
 * {@code maxConnections} (the client's own default is 5 per host), a bounded wait for a
 * connection, HTTP/1.1, and no redirects, retries, cookies or cached auth.
 */
final class PooledHttpClients {

	/**
	 * Each connection's input, line and output buffers, in bytes. The client's default of
	 * 32 KB each held 96 KB per pooled connection: about 100 MB of heap with 1,000
	 * connections open to a slow provider, for replies of a few hundred bytes. Larger
	 * bodies still pass, in several reads.
	 */
	static final int BUFFER_SIZE = 4096;

	private PooledHttpClients() {
	}

	static CloseableHttpClient create(UpstreamSettings settings) {
		PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setMaxConnTotal(settings.maxConnections())
			.setMaxConnPerRoute(settings.maxConnections())
			.setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
				.http1Config(Http1Config.custom().setBufferSize(BUFFER_SIZE).build())
				.build())
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

}
