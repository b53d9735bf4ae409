package dev.sessiongateway.events;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One client's event URL and its signing secret ({@code gateway.clients[i].events}). The
 * secret is a Standard Webhooks symmetric key: {@code whsec_} and the base64 of 24 to 64
 * random bytes. {@link #toString()} shows the URL's host alone: the secret, and anything
 * a URL's path or query may hold, stay out of logs.
 */
public record EventTarget(URI url, String secret) {

	/** What every symmetric Standard Webhooks secret starts with. */
	public static final String SECRET_PREFIX = "whsec_";

	static final int MIN_KEY_BYTES = 24;

	static final int MAX_KEY_BYTES = 64;

	/** What is wrong with an event URL, or null when it can be used. */
	public static @Nullable String urlProblem(URI url) {
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			return "must be an http or https URL (value not shown)";
		}
		if (url.getHost() == null || url.getHost().isEmpty()) {
			return "must name a host (value not shown)";
		}
		if (url.getRawUserInfo() != null) {
			return "must not hold a user or password (value not shown)";
		}
		return null;
	}

	/** What is wrong with a secret, or null when it is a usable key. */
	public static @Nullable String secretProblem(String secret) {
		byte[] key = decode(secret);
		if (key == null || key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
			return "must be " + SECRET_PREFIX + " followed by the base64 of " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
					+ " random bytes, as Standard Webhooks defines; make one with: echo " + SECRET_PREFIX
					+ "$(openssl rand -base64 32) (value not shown)";
		}
		return null;
	}

	/** The key a secret stands for, or null when it is not {@code whsec_<base64>}. */
	static byte @Nullable [] decode(String secret) {
		if (!secret.startsWith(SECRET_PREFIX)) {
			return null;
		}
		try {
			return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "EventTarget[host=" + this.url.getHost() + "]";
	}

}
