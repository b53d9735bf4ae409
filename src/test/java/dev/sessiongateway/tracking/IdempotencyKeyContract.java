package dev.sessiongateway.tracking;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Idempotency keys, on whichever database a subclass runs: recorded with the session's
 * intent, so that one request of all that send a key goes on; the answer kept byte for
 * byte; a key let go by a create that certainly had no effect and kept by one after which
 * the provider may have acted; and a key past its window free again, its answer deleted.
 */
abstract class IdempotencyKeyContract extends LedgerTestSupport {

	static final String SCOPE = "account";

	static final Duration WINDOW = Duration.ofHours(1);

	/**
	 * An answer with every byte value, longer than a page, as a reply with a token is.
	 */
	static final byte[] ANSWER = answer();

	private static byte[] answer() {
		byte[] answer = new byte[300 * 1024];
		for (int i = 0; i < answer.length; i++) {
			answer[i] = (byte) i;
		}
		return answer;
	}

	/** A new request under this key (each request has a token of its own). */
	static IdempotencyClaim claim(String key) {
		return new IdempotencyClaim(key, UUID.randomUUID().toString().replace("-", ""), WINDOW);
	}

	private Opened<String> open(String client, @Nullable String sessionId, String body, IdempotencyClaim claim) {
		return this.tracker.open(this.provider, new OpenIntent(SCOPE, sessionId, body.getBytes(StandardCharsets.UTF_8)),
				client, OpenTerms.NONE.withIdempotency(claim));
	}

	private IdempotencyKeyUsedException held(String client, @Nullable String sessionId, String body, String key) {
		IdempotencyKeyUsedException held = catchThrowableOfType(IdempotencyKeyUsedException.class,
				() -> open(client, sessionId, body, claim(key)));
		assertThat(held).as("the key is held").isNotNull();
		return held;
	}

	private long keyRows() {
		Long rows = this.jdbc.queryForObject("select count(*) from idempotency_key", Long.class);
		return (rows != null) ? rows : 0;
	}

	private long rowsIn(SessionStatus status) {
		return this.sessions.findAll().stream().filter((session) -> session.getStatus() == status).count();
	}

	@Test
	void aRetryAfterTheAnswerGetsItByteForByteAndTheProviderIsNotCalledAgain() {
		IdempotencyClaim first = claim("k-1");
		assertThat(open("svc", null, "{\"a\":1}", first).reply()).isEqualTo("opened gen-1");
		assertThat(this.keys.answer("svc", first, ANSWER)).isTrue();

		IdempotencyKeyUsedException retry = held("svc", null, "{\"a\":1}", "k-1");

		assertThat(retry.use()).isEqualTo(IdempotencyKeyUsedException.Use.ANSWERED);
		assertThat(retry.answer()).as("the stored answer").isEqualTo(ANSWER);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
		assertThat(rowsIn(SessionStatus.ACTIVE)).isEqualTo(1);
		assertThat(this.sessions.findAll()).hasSize(1);
	}

	@Test
	void aKeyAnsweredForALiveIdGivesTheAnswerRatherThanTheDuplicate() {
		IdempotencyClaim first = claim("k-id");
		open("svc", "s-1", "{\"session_id\":\"s-1\"}", first);
		this.keys.answer("svc", first, ANSWER);

		assertThat(held("svc", "s-1", "{\"session_id\":\"s-1\"}", "k-id").use())
			.isEqualTo(IdempotencyKeyUsedException.Use.ANSWERED);
		assertThatExceptionOfType(SessionAlreadyActiveException.class).as("another key for the live id")
			.isThrownBy(() -> open("svc", "s-1", "{\"session_id\":\"s-1\"}", claim("k-other")));
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
	}

	@Test
	void aRetryWhileTheFirstIsInFlightIsRefusedWithoutCallingTheProvider() throws Exception {
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> gate.pass());
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			Future<Opened<String>> first = pool.submit(() -> open("svc", null, "{}", claim("k-2")));
			gate.awaitArrival();

			assertThat(held("svc", null, "{}", "k-2").use()).isEqualTo(IdempotencyKeyUsedException.Use.IN_FLIGHT);
			assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);

			gate.open();
			assertThat(first.get(30, TimeUnit.SECONDS).reply()).isEqualTo("opened gen-1");
		}
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
	}

	@Test
	void concurrentOpensUnderOneKeyMakeOneProviderCall() throws Exception {
		int opens = 16;
		Gate gate = new Gate();
		this.provider.beforeCall((op) -> gate.pass());
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch refused = new CountDownLatch(opens - 1);
		AtomicInteger inFlight = new AtomicInteger();
		List<Future<?>> results = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < opens; i++) {
				results.add(pool.submit(() -> {
					start.await();
					try {
						return open("svc", null, "{}", claim("k-race"));
					}
					catch (IdempotencyKeyUsedException ex) {
						if (ex.use() == IdempotencyKeyUsedException.Use.IN_FLIGHT) {
							inFlight.incrementAndGet();
						}
						refused.countDown();
						return null;
					}
				}));
			}
			start.countDown();
			gate.awaitArrival();
			assertThat(refused.await(30, TimeUnit.SECONDS)).as("every other open was refused").isTrue();
			assertThat(this.provider.calls(FakeProvider.Op.OPEN)).as("creates the provider saw").isEqualTo(1);
			gate.open();
			for (Future<?> result : results) {
				result.get(30, TimeUnit.SECONDS);
			}
		}
		assertThat(inFlight).hasValue(opens - 1);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
		assertThat(this.sessions.findAll()).hasSize(1);
		assertThat(keyRows()).isEqualTo(1);
	}

	@Test
	void theSameKeyForAnotherBodyOrScopeIsAnotherRequest() {
		IdempotencyClaim first = claim("k-3");
		open("svc", null, "{\"a\":1}", first);
		this.keys.answer("svc", first, ANSWER);

		assertThat(held("svc", null, "{\"a\":2}", "k-3").use())
			.isEqualTo(IdempotencyKeyUsedException.Use.OTHER_REQUEST);
		IdempotencyKeyUsedException otherScope = catchThrowableOfType(IdempotencyKeyUsedException.class,
				() -> this.tracker.open(this.provider, new OpenIntent("other-scope", null, "{\"a\":1}".getBytes()),
						"svc", OpenTerms.NONE.withIdempotency(claim("k-3"))));
		assertThat(otherScope.use()).isEqualTo(IdempotencyKeyUsedException.Use.OTHER_REQUEST);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
	}

	@Test
	void anotherClientsIdenticalKeyIsAnotherKey() {
		IdempotencyClaim first = claim("k-4");
		open("svc", null, "{}", first);
		this.keys.answer("svc", first, ANSWER);

		IdempotencyClaim others = claim("k-4");
		assertThat(open("other-svc", null, "{}", others).reply()).isEqualTo("opened gen-2");
		assertThat(this.keys.answer("other-svc", others, new byte[] { 7 })).isTrue();

		assertThat(held("svc", null, "{}", "k-4").answer()).isEqualTo(ANSWER);
		assertThat(held("other-svc", null, "{}", "k-4").answer()).containsExactly(7);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(2);
	}

	@Test
	void onceItsWindowHasPassedTheKeyIsFreeAgainAndItsAnswerIsDeleted() {
		IdempotencyClaim first = claim("k-5");
		open("svc", null, "{}", first);
		this.keys.answer("svc", first, ANSWER);
		assertThat(this.upkeep.purgeIdempotencyKeys(100)).as("purged within the window").isZero();

		this.clock.advance(WINDOW.plusSeconds(1));
		assertThat(this.upkeep.purgeIdempotencyKeys(100)).isEqualTo(1);
		assertThat(keyRows()).as("keys left").isZero();

		IdempotencyClaim again = claim("k-5");
		assertThat(open("svc", null, "{}", again).reply()).isEqualTo("opened gen-2");
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(2);
		assertThat(this.keys.answer("svc", again, new byte[] { 1 })).isTrue();
		assertThat(held("svc", null, "{}", "k-5").answer()).containsExactly(1);
	}

	@Test
	void aKeyPastItsWindowIsFreeEvenBeforeItIsPurged() {
		IdempotencyClaim first = claim("k-6");
		open("svc", null, "{}", first);
		this.keys.answer("svc", first, ANSWER);
		this.clock.advance(WINDOW.plusSeconds(1));

		assertThat(open("svc", null, "{\"other\":true}", claim("k-6")).reply()).isEqualTo("opened gen-2");
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(2);
		assertThat(keyRows()).isEqualTo(1);
	}

	@Test
	void aCreateTheProviderRefusedOrNeverGotLetsItsKeyGo() {
		this.provider.faults((op, key) -> FakeProvider.Fault.REFUSED);
		assertThat(open("svc", null, "{}", claim("k-7")).reply()).startsWith("refused");
		assertThat(keyRows()).as("keys after a refusal").isZero();

		this.provider.faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> open("svc", null, "{}", claim("k-7")));
		assertThat(keyRows()).as("keys after a create that never reached the provider").isZero();

		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);
		assertThat(open("svc", null, "{}", claim("k-7")).reply()).isEqualTo("opened gen-3");
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(3);
		assertThat(keyRows()).isEqualTo(1);
	}

	@Test
	void aCreateOfUnknownOutcomeKeepsItsKeyForItsAnswer() {
		this.provider.faults((op, key) -> FakeProvider.Fault.LOST_ANSWER);
		IdempotencyClaim first = claim("k-8");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> open("svc", null, "{}", first));
		assertThat(rowsIn(SessionStatus.FAILED)).isEqualTo(1);
		this.provider.faults((op, key) -> FakeProvider.Fault.NONE);

		assertThat(held("svc", null, "{}", "k-8").use()).isEqualTo(IdempotencyKeyUsedException.Use.IN_FLIGHT);
		assertThat(this.keys.answer("svc", first, ANSWER)).isTrue();
		assertThat(held("svc", null, "{}", "k-8").answer()).isEqualTo(ANSWER);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
	}

	@Test
	void onlyTheRequestThatHoldsTheKeyStoresItsAnswerAndOnlyOnce() {
		IdempotencyClaim first = claim("k-9");
		open("svc", null, "{}", first);

		assertThat(this.keys.answer("svc", claim("k-9"), new byte[] { 9 })).as("another request's answer").isFalse();
		assertThat(this.keys.answer("svc", first, ANSWER)).isTrue();
		assertThat(this.keys.answer("svc", first, new byte[] { 9 })).as("a second answer").isFalse();
		assertThat(held("svc", null, "{}", "k-9").answer()).isEqualTo(ANSWER);
	}

	@Test
	void anAnswerNeverStoredIsLostOnceItsRequestCanNoLongerBeInFlight() {
		open("svc", null, "{}", claim("k-10"));
		assertThat(held("svc", null, "{}", "k-10").use()).isEqualTo(IdempotencyKeyUsedException.Use.IN_FLIGHT);

		this.clock.advance(Duration.ofMinutes(2).plusSeconds(1));

		assertThat(held("svc", null, "{}", "k-10").use()).isEqualTo(IdempotencyKeyUsedException.Use.ANSWER_LOST);
		assertThat(this.provider.calls(FakeProvider.Op.OPEN)).isEqualTo(1);
	}

}
