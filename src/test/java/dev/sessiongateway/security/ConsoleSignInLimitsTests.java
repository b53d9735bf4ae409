package dev.sessiongateway.security;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The console's sign-in limits on their own: per source and overall, given back by a
 * successful sign-in, bounded in memory, IPv6 networks as one source, and failures logged
 * once per source and period.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleSignInLimitsTests {

	private ConsoleSignInLimits limits;

	private ConsoleSignInLimits limits(int perSource, int overall, int maxSources) {
		this.limits = new ConsoleSignInLimits(new ConsoleProperties(Duration.ofMinutes(30), Duration.ofHours(12),
				new ConsoleProperties.SignInLimit(perSource, overall, Duration.ofMinutes(1), maxSources)));
		return this.limits;
	}

	@AfterEach
	void close() {
		if (this.limits != null) {
			this.limits.close();
		}
	}

	/** An attempt from this address with a wrong key. */
	private static void fail(ConsoleSignInLimits limits, String address) {
		limits.failed(limits.admit(address), ConsoleSignInLimits.Failure.UNKNOWN_KEY);
	}

	private static void assertRefused(ConsoleSignInLimits limits, String address) {
		assertThatExceptionOfType(ProblemException.class).isThrownBy(() -> limits.admit(address))
			.satisfies((refused) -> {
				assertThat(refused.code()).isEqualTo(ProblemCode.SIGN_IN_LIMIT_REACHED);
				assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
			});
	}

	@Test
	void aSourceIsRefusedOnceItsFailuresUseItsAllowanceAndOthersAreNot() {
		ConsoleSignInLimits limits = limits(3, 100, 100);
		for (int i = 0; i < 3; i++) {
			fail(limits, "203.0.113.7");
		}

		assertRefused(limits, "203.0.113.7");
		assertRefused(limits, "203.0.113.7");
		fail(limits, "203.0.113.8");
	}

	@Test
	void aSuccessfulSignInGivesItsAttemptBack() {
		ConsoleSignInLimits limits = limits(3, 5, 100);
		for (int i = 0; i < 20; i++) {
			limits.succeeded(limits.admit("203.0.113.7"));
		}

		for (int i = 0; i < 3; i++) {
			fail(limits, "203.0.113.7");
		}
		assertRefused(limits, "203.0.113.7");
	}

	@Test
	void theOverallAllowanceRefusesEverySourceOnceAllTheirFailuresUseIt() {
		ConsoleSignInLimits limits = limits(3, 8, 100);
		for (int i = 1; i <= 8; i++) {
			fail(limits, "198.51.100." + i);
		}

		assertRefused(limits, "198.51.100.9");
		assertRefused(limits, "198.51.100.1");
	}

	@Test
	void memoryIsBoundedByForgettingTheSourceSeenLeastRecently() {
		ConsoleSignInLimits limits = limits(2, 1000, 3);
		fail(limits, "203.0.113.1");
		fail(limits, "203.0.113.1");
		assertRefused(limits, "203.0.113.1");

		for (String other : List.of("203.0.113.2", "203.0.113.3", "203.0.113.4")) {
			fail(limits, other);
		}

		// forgotten, so it starts again; a source still remembered does not
		fail(limits, "203.0.113.1");
		fail(limits, "203.0.113.4");
		assertRefused(limits, "203.0.113.4");
	}

	@Test
	void theAddressesOfOneIpv6NetworkAreOneSource() {
		ConsoleSignInLimits limits = limits(2, 1000, 100);
		fail(limits, "2001:db8:1:2::1");
		fail(limits, "2001:db8:1:2:ffff:ffff:ffff:9");

		assertRefused(limits, "2001:db8:1:2::77");
		fail(limits, "2001:db8:1:3::1");
		assertThat(ConsoleSignInSources.of("2001:db8:1:2::77")).isEqualTo("2001:db8:1:2::/64");
		assertThat(ConsoleSignInSources.of("203.0.113.7")).isEqualTo("203.0.113.7");
		assertThat(ConsoleSignInSources.of("not:an:address")).isEqualTo("not:an:address");
	}

	@Test
	void failuresAreLoggedOncePerSourceAndPeriodWithTheirCounts(CapturedOutput output) {
		ConsoleSignInLimits limits = limits(5, 1000, 100);
		for (int i = 0; i < 50; i++) {
			try {
				fail(limits, "203.0.113.7");
			}
			catch (ProblemException refused) {
				// counted
			}
		}
		limits.failed(limits.admit("198.51.100.2"), ConsoleSignInLimits.Failure.NO_OPS_ROLE);
		limits.succeeded(limits.admit("198.51.100.3"));
		assertThat(output.getAll()).doesNotContain("203.0.113.7");

		limits.report();
		limits.report();

		List<String> lines = output.getAll().lines().filter((line) -> line.contains("Console sign-in")).toList();
		assertThat(lines).hasSize(2);
		assertThat(lines).filteredOn((line) -> line.contains("203.0.113.7"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN")
				.contains("Console sign-ins refused from 203.0.113.7 in the last 60 s: 50 (5 with a key that matches "
						+ "no client, 45 over the limit)"));
		assertThat(lines).filteredOn((line) -> line.contains("198.51.100.2"))
			.singleElement()
			.satisfies((line) -> assertThat(line).contains("INFO")
				.contains("Console sign-ins refused from 198.51.100.2 in the last 60 s: 1 (1 with a key without the "
						+ "ops role)"));
	}

	@Test
	void failuresOfForgottenSourcesAndTheOverallLimitAreReportedToo(CapturedOutput output) {
		ConsoleSignInLimits limits = limits(5, 3, 2);
		for (int i = 1; i <= 3; i++) {
			fail(limits, "198.51.100." + i);
		}
		assertRefused(limits, "198.51.100.4");

		limits.report();

		assertThat(output.getAll()).contains(
				"Console sign-ins refused from sources no longer remembered in the last 60 s: 2 (2 with a key that matches no client)")
			.contains("Console sign-ins: the overall limit (3 failures per 60 s) refused 1 attempts");
	}

}
