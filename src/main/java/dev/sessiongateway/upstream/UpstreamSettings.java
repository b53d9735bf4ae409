package dev.sessiongateway.upstream;

import java.net.URI;
import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * The outbound budget towards one provider.
 *
 * @param name the provider's display name, used in messages and metrics
 * @param baseUrl where the provider lives
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for an answer
 * @param maxConnections the most requests in flight at once
 * @param poolWait how long a request may wait for a free connection
 * @param rateLimitPerMinute the most requests a minute (0: no limit)
 * @param maxResponseSize the largest answer read
 */
public record UpstreamSettings(String name, URI baseUrl, Duration connectTimeout, Duration readTimeout,
		int maxConnections, Duration poolWait, int rateLimitPerMinute, DataSize maxResponseSize) {

}
