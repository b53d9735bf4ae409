package dev.sessiongateway.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks symmetric signature: {@code v1,} and the base64 of the
 * HMAC-SHA256, keyed with the secret's decoded bytes, of
 * {@code <webhook-id>.<webhook-timestamp>.<body>}.
 */
final class EventSigner {

	private static final String HMAC_SHA256 = "HmacSHA256";

	private final SecretKeySpec key;

	/**
	 * @param secret {@code whsec_} and the base64 of the key (checked at start-up)
	 */
	EventSigner(String secret) {
		byte[] key = EventTarget.decode(secret);
		if (key == null || key.length == 0) {
			throw new IllegalArgumentException("not a whsec_ secret (value not shown)");
		}
		this.key = new SecretKeySpec(key, HMAC_SHA256);
	}

	/** The {@code webhook-signature} header's value for one attempt. */
	String sign(String id, long timestamp, String body) {
		try {
			Mac mac = Mac.getInstance(HMAC_SHA256);
			mac.init(this.key);
			byte[] signature = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(signature);
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available", ex);
		}
	}

}
