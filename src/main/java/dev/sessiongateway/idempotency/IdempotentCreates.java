package dev.sessiongateway.idempotency;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import dev.sessiongateway.tracking.IdempotencyClaim;
import dev.sessiongateway.tracking.IdempotencyKeyUsedException;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

/**
 * Carries out a create under the {@code Idempotency-Key} its caller sent: reads and
 * checks the key, hands it to the open (which records it with the session's intent, so
 * that of all the requests that send it at once, on any replica, one goes on), and
 * answers a request whose key an earlier one holds: with that request's answer, byte for
 * byte, once it was given ({@value #REPLAYED} says so); {@code 409} while it is in
 * flight; {@code 422} when the key was used for another request or its answer was lost.
 * The answer of the request that holds a key is kept by {@link IdempotencyFilter}.
 */
@Component
public class IdempotentCreates {

	/** The request header that carries the key. */
	public static final String HEADER = IdempotencyKeyHeader.NAME;

	/** What the header's description on each create says. */
	public static final String KEY_DESCRIPTION = "makes the create safe to retry: a new key for each create, a quoted "
			+ "string of 1 to 255 printable ASCII characters, such as \"8e03978e-40d5-43e8-bc93-6894a57f9324\"; a retry "
			+ "with the same key and body gets the first answer again (Idempotent-Replayed: true), for as long as the "
			+ "API description's introduction says";

	/** The answer header that marks an answer given again. */
	public static final String REPLAYED = "Idempotent-Replayed";

	/** What the answer header's description on each create says. */
	public static final String REPLAYED_DESCRIPTION = "true when this is the answer of an earlier create with the same "
			+ "Idempotency-Key and body, given again byte for byte; the provider was not called again";

	/** The request attribute naming the key this request holds, for the filter. */
	static final String HELD = IdempotentCreates.class.getName() + ".held";

	private static final Logger log = LoggerFactory.getLogger(IdempotentCreates.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final IdempotencyProperties properties;

	private final @Nullable AnswerSeal seal;

	IdempotentCreates(IdempotencyProperties properties) {
		this.properties = properties;
		String secret = properties.secret();
		this.seal = (properties.enabled() && secret != null) ? new AnswerSeal(secret) : null;
	}

	/** A key this request holds, whose answer the filter keeps. */
	record Held(String client, IdempotencyClaim claim) {
	}

	/**
	 * The seal of stored answers, when the gateway keeps keys.
	 */
	@Nullable AnswerSeal seal() {
		return this.seal;
	}

	/**
	 * Carries out a create of this client's at this provider under the key in
	 * {@code header} (none when null).
	 * @param open the create, given the key to record with its intent (null without one)
	 * @throws ProblemException 400 when a required key is missing, the gateway keeps no
	 * keys, or the key cannot be read; 409 or 422 when an earlier request holds the key
	 * and its answer cannot be given
	 */
	public ResponseEntity<byte[]> create(HttpServletRequest request, @Nullable String header, String client,
			String provider, Function<@Nullable IdempotencyClaim, ResponseEntity<byte[]>> open) {
		if (header == null) {
			if (this.properties.requires(provider)) {
				throw new ProblemException(ProblemCode.IDEMPOTENCY_KEY_REQUIRED, "This gateway requires an " + HEADER
						+ " on every " + provider + " create, so that a retry cannot open a second session: send a new "
						+ "key with each create, such as " + HEADER + ": \"8e03978e-40d5-43e8-bc93-6894a57f9324\".");
			}
			return open.apply(null);
		}
		if (this.seal == null) {
			throw new ProblemException(ProblemCode.IDEMPOTENCY_KEYS_DISABLED, "This gateway keeps no idempotency "
					+ "keys (gateway.idempotency.secret is not set), so it cannot honour " + HEADER
					+ ": nothing was recorded or sent. Send the create without it, or ask the gateway's operator to "
					+ "set the secret.");
		}
		IdempotencyClaim claim = new IdempotencyClaim(IdempotencyKeyHeader.parse(header), token(),
				this.properties.window());
		request.setAttribute(HELD, new Held(client, claim));
		try {
			return open.apply(claim);
		}
		catch (IdempotencyKeyUsedException ex) {
			request.removeAttribute(HELD);
			return answerHeld(ex, client, claim.key());
		}
	}

	private ResponseEntity<byte[]> answerHeld(IdempotencyKeyUsedException held, String client, String key) {
		byte[] answer = held.answer();
		return switch (held.use()) {
			case ANSWERED -> {
				if (answer == null) {
					throw lost();
				}
				yield replay(answer, client, key);
			}
			case IN_FLIGHT -> throw new ProblemException(ProblemCode.IDEMPOTENCY_KEY_IN_FLIGHT,
					"An earlier request with this " + HEADER + " is still being carried out; nothing was sent. "
							+ "Send the same request again after Retry-After to get its answer.",
					List.of(), 1L);
			case OTHER_REQUEST -> throw new ProblemException(ProblemCode.IDEMPOTENCY_KEY_REUSED,
					"This " + HEADER + " was used for another request (another body, project or provider) within "
							+ "its window of " + this.properties.window() + "; nothing was sent. Use a new key for a "
							+ "new request.");
			case ANSWER_LOST -> throw lost();
		};
	}

	/** The stored answer, given again; one that cannot be read is lost. */
	private ResponseEntity<byte[]> replay(byte[] sealed, String client, String key) {
		AnswerSeal answers = this.seal;
		if (answers == null) {
			throw lost();
		}
		try {
			return StoredAnswer.read(answers.open(sealed, client, key)).replay(REPLAYED);
		}
		catch (AnswerSeal.UnreadableAnswerException | IOException ex) {
			log.warn("An answer stored with an idempotency key of client {} cannot be read ({}): was "
					+ "gateway.idempotency.secret changed within the keys' window?", client, ex.getMessage());
			throw lost();
		}
	}

	private static ProblemException lost() {
		return new ProblemException(ProblemCode.IDEMPOTENCY_KEY_ANSWER_LOST, "The answer to the earlier request with "
				+ "this " + HEADER + " was lost: the gateway stopped before it was given, or can no longer read it. "
				+ "Whether that create opened a session is unknown, and nothing was sent now. Do not retry with this "
				+ "key: look for the session if its id is yours, or open a new one with a new key.");
	}

	/** A token naming one request: 128 random bits, URL-safe. */
	private static String token() {
		byte[] bits = new byte[16];
		RANDOM.nextBytes(bits);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
	}

}
