package dev.sessiongateway.upstream;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.bucket4j.Bucket;
import org.junit.jupiter.api.Test;

import dev.sessiongateway.upstream.RequestBudget.Draw;
import dev.sessiongateway.upstream.RequestBudget.Held;
import dev.sessiongateway.upstream.RequestBudget.Part;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider's request budget puts ends first: opens and reads never take the part ends
 * keep, ends may use all of it, and one client's opens no more than its share of what
 * opens and reads may use.
 */
class EndsFirstBudgetTests {

	/** The buckets a budget made, by key, to see what each holds. */
	private final Map<String, Bucket> buckets = new LinkedHashMap<>();

	private RequestBudget budget(int perMinute, double endShare, Map<String, Double> clientShares) {
		return RequestBudget.of(BudgetSplit.of(perMinute, endShare, clientShares), (key, tokens) -> {
			Bucket bucket = RequestBudget.localBucket(key, tokens);
			this.buckets.put(key, bucket);
			return bucket;
		}, "konpro:" + perMinute);
	}

	@Test
	void endsPassWhileOpensAndReadsAreHeldBack() {
		RequestBudget budget = budget(10, 0.5, Map.of());
		for (int i = 0; i < 3; i++) {
			assertThat(budget.take(Draw.open("a"))).isNull();
		}
		assertThat(budget.take(Draw.read())).isNull();
		assertThat(budget.take(Draw.read())).isNull();

		Held open = budget.take(Draw.open("a"));
		assertThat(open).isNotNull();
		assertThat(open.part()).isEqualTo(Part.NON_ENDS);
		assertThat(open.retryAfterSeconds()).isBetween(1L, 61L);
		assertThat(budget.take(Draw.read())).extracting(Held::part).isEqualTo(Part.NON_ENDS);

		for (int i = 0; i < 5; i++) {
			assertThat(budget.take(Draw.end())).as("end %d of the 5 kept for ends", i + 1).isNull();
		}
		assertThat(budget.take(Draw.end())).extracting(Held::part).isEqualTo(Part.WHOLE);
	}

	@Test
	void endsMayUseTheWholeBudgetWhenOpensLeaveIt() {
		RequestBudget budget = budget(10, 0.5, Map.of());
		for (int i = 0; i < 10; i++) {
			assertThat(budget.take(Draw.end())).isNull();
		}
		assertThat(budget.take(Draw.end())).extracting(Held::part).isEqualTo(Part.WHOLE);
		assertThat(budget.take(Draw.open("a"))).as("ends used it all").isNotNull();
	}

	@Test
	void aClientOverItsShareIsHeldBackWhileAnotherStillOpens() {
		// 5 a minute for opens and reads, 2 of them for each client
		RequestBudget budget = budget(10, 0.5, Map.of("a", 0.5, "b", 0.5));
		assertThat(budget.take(Draw.open("a"))).isNull();
		assertThat(budget.take(Draw.open("a"))).isNull();

		Held third = budget.take(Draw.open("a"));
		assertThat(third).isNotNull();
		assertThat(third.part()).isEqualTo(Part.CLIENT_SHARE);
		assertThat(third.retryAfterSeconds()).isBetween(1L, 61L);

		assertThat(budget.take(Draw.open("b"))).isNull();
		assertThat(budget.take(Draw.open("b"))).isNull();
		assertThat(budget.take(Draw.open("b"))).extracting(Held::part).isEqualTo(Part.CLIENT_SHARE);
		assertThat(budget.take(Draw.read())).as("reads and unnamed clients are not held to a share").isNull();
		assertThat(budget.take(Draw.open("c"))).extracting(Held::part).isEqualTo(Part.NON_ENDS);
	}

	@Test
	void aCallHeldBackGivesBackWhatItTookFromTheOtherParts() {
		RequestBudget budget = budget(4, 0.5, Map.of("a", 0.5));
		assertThat(this.buckets).containsOnlyKeys("konpro:4", "konpro:4:non-ends:2");
		for (int i = 0; i < 4; i++) {
			assertThat(budget.take(Draw.end())).isNull();
		}

		assertThat(budget.take(Draw.open("a"))).extracting(Held::part).isEqualTo(Part.WHOLE);

		assertThat(this.buckets.get("konpro:4").getAvailableTokens()).isZero();
		assertThat(this.buckets.get("konpro:4:non-ends:2").getAvailableTokens()).as("given back").isEqualTo(2);
		assertThat(this.buckets).hasEntrySatisfying("konpro:4:client:1:" + "ca978112ca1bbdca",
				(share) -> assertThat(share.getAvailableTokens()).as("given back").isEqualTo(1));
	}

	@Test
	void theSplitKeepsEndsTheirShareRoundedUpAndGivesEachClientAtLeastOne() {
		assertThat(BudgetSplit.of(10, 0.5, Map.of()).nonEnds()).isEqualTo(5);
		assertThat(BudgetSplit.of(60, 0.2, Map.of()).nonEnds()).isEqualTo(48);
		assertThat(BudgetSplit.of(3, 0.1, Map.of()).nonEnds()).as("0.3 kept: one request").isEqualTo(2);
		assertThat(BudgetSplit.of(10, 0.5, Map.of("a", 0.5, "b", 0.1, "c", 1.0)).clients())
			.containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 1, "c", 5));
		assertThat(BudgetSplit.leavesNonEnds(2, 0.5)).isTrue();
		assertThat(BudgetSplit.leavesNonEnds(1, 0.5)).isFalse();
		assertThat(BudgetSplit.leavesNonEnds(0, 0.5)).as("no limit").isTrue();
	}

	@Test
	void noBudgetHoldsNothingBack() {
		RequestBudget budget = budget(0, 0.5, Map.of("a", 0.1));
		for (int i = 0; i < 100; i++) {
			assertThat(budget.take(Draw.open("a"))).isNull();
		}
		assertThat(this.buckets).isEmpty();
	}

}
