package dev.sessiongateway.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the answers kept with idempotency keys (AES-256-GCM), so that the database
 * never holds one in the clear: a Konpro answer carries the widget's token. The key is
 * derived from {@code gateway.idempotency.secret} with HKDF-SHA256 (RFC 5869); each
 * answer has a random 96-bit nonce, and is bound to its client and key (the associated
 * data), so that an answer copied to another key's row does not open there. Sealed: a
 * version byte, the nonce, the ciphertext and its 128-bit tag.
 */
final class AnswerSeal {

	private static final byte VERSION = 1;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final byte[] SALT = "session-gateway/idempotency".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] INFO = "answer-encryption-v1".getBytes(StandardCharsets.US_ASCII);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKeySpec key;

	AnswerSeal(String secret) {
		this.key = new SecretKeySpec(hkdf(secret.strip().getBytes(StandardCharsets.UTF_8)), "AES");
	}

	/** An answer is sealed under another secret, or was changed. */
	static final class UnreadableAnswerException extends Exception {

		UnreadableAnswerException(String message, Throwable cause) {
			super(message, cause, false, false);
		}

	}

	/** Encrypts an answer of this client's key. */
	byte[] seal(byte[] answer, String client, String idempotencyKey) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associated(client, idempotencyKey));
			byte[] encrypted = cipher.doFinal(answer);
			return ByteBuffer.allocate(1 + NONCE_BYTES + encrypted.length)
				.put(VERSION)
				.put(nonce)
				.put(encrypted)
				.array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is missing from this JVM", ex);
		}
	}

	/**
	 * Decrypts an answer of this client's key.
	 * @throws UnreadableAnswerException when it was sealed under another secret, for
	 * another key, or was changed
	 */
	byte[] open(byte[] sealed, String client, String idempotencyKey) throws UnreadableAnswerException {
		if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
			throw new UnreadableAnswerException("not a sealed answer of this version", new IllegalArgumentException());
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key,
					new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
			cipher.updateAAD(associated(client, idempotencyKey));
			return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new UnreadableAnswerException("the answer does not open with this secret", ex);
		}
	}

	private static byte[] associated(String client, String idempotencyKey) {
		return ("session-gateway idempotent answer v1\0" + client + "\0" + idempotencyKey)
			.getBytes(StandardCharsets.UTF_8);
	}

	/** HKDF-SHA256 (RFC 5869): extract, then expand to one 32-byte block. */
	private static byte[] hkdf(byte[] secret) {
		try {
			Mac extract = Mac.getInstance("HmacSHA256");
			extract.init(new SecretKeySpec(SALT, "HmacSHA256"));
			byte[] pseudorandom = extract.doFinal(secret);
			Mac expand = Mac.getInstance("HmacSHA256");
			expand.init(new SecretKeySpec(pseudorandom, "HmacSHA256"));
			expand.update(INFO);
			expand.update((byte) 1);
			return expand.doFinal();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", ex);
		}
	}

}
