package dev.sessiongateway.relay;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.upstream.UpstreamException;
import dev.sessiongateway.upstream.UpstreamException.Kind;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a provider call fails is answered with the contract's problem code, its
 * message as the detail and its hint as {@code Retry-After}; other failures are left to
 * the rest of the problem handling.
 */
class UpstreamProblemsTests {

	private final UpstreamProblems problems = new UpstreamProblems();

	@Test
	void everyKindOfFailureIsAnsweredWithTheContractsCode() {
		Map<Kind, ProblemCode> contract = new EnumMap<>(Kind.class);
		contract.put(Kind.REJECTED_CREDENTIALS, ProblemCode.UPSTREAM_REJECTED_CREDENTIALS);
		contract.put(Kind.UNAVAILABLE, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.SERVER_ERROR, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.UNREACHABLE, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.RESET, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.MALFORMED, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.NOT_SENT, ProblemCode.UPSTREAM_UNAVAILABLE);
		contract.put(Kind.TIMED_OUT, ProblemCode.UPSTREAM_TIMEOUT);
		contract.put(Kind.RATE_LIMITED, ProblemCode.UPSTREAM_RATE_LIMITED);
		contract.put(Kind.LOCAL_LIMIT, ProblemCode.UPSTREAM_RATE_LIMITED);
		contract.put(Kind.CIRCUIT_OPEN, ProblemCode.CIRCUIT_OPEN);
		assertThat(contract).containsOnlyKeys(Kind.values());

		contract.forEach((kind, code) -> assertThat(this.problems.problemFor(new UpstreamException(kind, "failed")))
			.as(kind.name())
			.isNotNull()
			.extracting(ProblemException::code)
			.isEqualTo(code));
	}

	@Test
	void theFailuresMessageIsTheDetailAndItsHintTheRetryAfter() {
		ProblemException problem = this.problems
			.problemFor(new UpstreamException(Kind.RATE_LIMITED, "Pathors is rate-limiting the gateway.", 17L));

		assertThat(problem).isNotNull();
		assertThat(problem.getMessage()).isEqualTo("Pathors is rate-limiting the gateway.");
		assertThat(problem.retryAfterSeconds()).isEqualTo(17L);
		assertThat(problem.errors()).isEmpty();
		assertThat(this.problems.problemFor(new UpstreamException(Kind.TIMED_OUT, "slow")))
			.extracting(ProblemException::retryAfterSeconds)
			.isNull();
	}

	@Test
	void otherFailuresAreNotMapped() {
		assertThat(this.problems.problemFor(new IllegalStateException("not a provider call"))).isNull();
	}

}
