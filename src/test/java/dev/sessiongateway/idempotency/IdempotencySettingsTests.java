package dev.sessiongateway.idempotency;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.validation.Errors;
import org.springframework.validation.MapBindingResult;

import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What {@code gateway.idempotency} decides: a key required at a provider, a gateway with
 * no secret (which keeps no keys and refuses a create that sends one rather than carry it
 * out unprotected), and the secret's checks at start-up.
 */
class IdempotencySettingsTests {

	private static final String SECRET = "settings-test-secret-0123456789-abcdef";

	private static IdempotencyProperties settings(String secret, Map<String, Boolean> required) {
		return new IdempotencyProperties(Duration.ofHours(24), secret, required);
	}

	private static ProblemException refused(IdempotentCreates creates, String header) {
		int[] opens = { 0 };
		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> creates.create(new MockHttpServletRequest(), header, "svc", "konpro", (claim) -> {
					opens[0]++;
					return ResponseEntity.ok(new byte[0]);
				}));
		assertThat(opens[0]).as("opens carried out").isZero();
		return refused;
	}

	@Test
	void aCreateWithoutAKeyWhereOneIsRequiredIsRefused() {
		IdempotentCreates creates = new IdempotentCreates(settings(SECRET, Map.of("konpro", true)));

		ProblemException refused = refused(creates, null);

		assertThat(refused.code()).isEqualTo(ProblemCode.IDEMPOTENCY_KEY_REQUIRED);
		assertThat(refused.code().status().value()).isEqualTo(400);
	}

	@Test
	void aCreateWithoutAKeyIsCarriedOutWhereNoneIsRequired() {
		IdempotentCreates creates = new IdempotentCreates(settings(SECRET, Map.of("konpro", false, "pathors", true)));

		ResponseEntity<byte[]> answer = creates.create(new MockHttpServletRequest(), null, "svc", "konpro",
				(claim) -> ResponseEntity.status(201).body(new byte[] { (byte) (claim == null ? 1 : 0) }));

		assertThat(answer.getStatusCode().value()).isEqualTo(201);
		assertThat(answer.getBody()).as("opened without a key").containsExactly(1);
	}

	@Test
	void withoutASecretAKeyIsRefusedRatherThanIgnored() {
		for (String secret : new String[] { null, "  " }) {
			IdempotentCreates creates = new IdempotentCreates(settings(secret, Map.of()));

			assertThat(creates.seal()).isNull();
			assertThat(refused(creates, "\"k-1\"").code()).isEqualTo(ProblemCode.IDEMPOTENCY_KEYS_DISABLED);
		}
	}

	@Test
	void aShortSecretAndAKeyRequiredWithoutASecretAreReported() {
		Errors shortSecret = new MapBindingResult(new java.util.HashMap<>(), "gateway.idempotency");
		settings("too-short", Map.of()).validate(settings("too-short", Map.of()), shortSecret);
		assertThat(shortSecret.getFieldError("secret")).isNotNull();

		Errors noSecret = new MapBindingResult(new java.util.HashMap<>(), "gateway.idempotency");
		IdempotencyProperties required = settings(null, Map.of("pathors", true));
		required.validate(required, noSecret);
		assertThat(noSecret.getFieldError("required.pathors")).isNotNull();

		Errors fine = new MapBindingResult(new java.util.HashMap<>(), "gateway.idempotency");
		IdempotencyProperties good = settings(SECRET, Map.of("pathors", true));
		good.validate(good, fine);
		assertThat(fine.hasErrors()).isFalse();
	}

}
