package dev.sessiongateway.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

/**
 * Makes one delivery, on an HTTP client of its own (not the providers'): HTTP/1.1, short
 * timeouts, no redirects followed (a 3xx is a failed attempt: the URL should name where
 * it leads), and the answer's body never read. What came of it is one of three results,
 * and a failure is described without the URL, which may hold a token.
 */
final class EventSender {

	private final HttpClient http;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	EventSender(Duration connectTimeout, Duration readTimeout) {
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
	}

	/** What came of one delivery. */
	sealed interface Result {

		/** The receiver answered 2xx. */
		record Delivered(int status) implements Result {
		}

		/** The attempt failed; the receiver may have asked for a pause. */
		record Failed(String error, @Nullable Duration retryAfter) implements Result {
		}

		/** The receiver answered 410 Gone: it wants no more of this. */
		record Gone(String error) implements Result {
		}

	}

	Result send(URI url, String id, long timestamp, String signature, String body) {
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(this.readTimeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "session-gateway")
			.header("webhook-id", id)
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature", signature)
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		HttpResponse<InputStream> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (HttpConnectTimeoutException ex) {
			return new Result.Failed("could not connect within " + this.connectTimeout.toMillis() + " ms", null);
		}
		catch (HttpTimeoutException ex) {
			return new Result.Failed("no answer within " + this.readTimeout.toMillis() + " ms", null);
		}
		catch (ConnectException ex) {
			return new Result.Failed("connection refused or unreachable", null);
		}
		catch (IOException ex) {
			return new Result.Failed("connection failed (" + ex.getClass().getSimpleName() + ")", null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result.Failed("interrupted while the gateway stopped", null);
		}
		try (InputStream ignored = response.body()) {
			// the answer's body is not read: closing it drops the connection if unread
		}
		catch (IOException ex) {
			// the status is what counts
		}
		int status = response.statusCode();
		if (status >= 200 && status < 300) {
			return new Result.Delivered(status);
		}
		if (status == 410) {
			return new Result.Gone("the receiver answered 410 Gone");
		}
		if (status >= 300 && status < 400) {
			return new Result.Failed(
					"HTTP " + status + ": redirects are not followed, point the event URL at where " + "it leads",
					null);
		}
		return new Result.Failed("HTTP " + status, retryAfter(response));
	}

	/** A Retry-After in seconds; a date or anything else is not taken. */
	private static @Nullable Duration retryAfter(HttpResponse<?> response) {
		String value = response.headers().firstValue("Retry-After").orElse("").strip();
		if (!value.matches("\\d{1,9}")) {
			return null;
		}
		return Duration.ofSeconds(Long.parseLong(value));
	}

}
