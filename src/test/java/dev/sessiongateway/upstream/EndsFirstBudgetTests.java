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
 * keep, and ends may use all of it.
 */
class EndsFirstBudgetTests {

	/** The buckets a budget made, by key, to see what each holds. */
	private final Map<String, Bucket> buckets = new LinkedHashMap<>();

	private RequestBudget budget(int perMinute, double endShare) {
		return RequestBudget.of(BudgetSplit.of(perMinute, endShare), (key, tokens) -> {
			Bucket bucket = RequestBudget.localBucket(key, tokens);
			this.buckets.put(key, bucket);
			return bucket;
		}, "konpro:" + perMinute);
	}

	@Test
	void endsPassWhileOpensAndReadsAreHeldBack() {
		RequestBudget budget = budget(10, 0.5);
		for (int i = 0; i < 3; i++) {
			assertThat(budget.take(Draw.open())).isNull();
		}
		assertThat(budget.take(Draw.read())).isNull();
		assertThat(budget.take(Draw.read())).isNull();

		Held open = budget.take(Draw.open());
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
		RequestBudget budget = budget(10, 0.5);
		for (int i = 0; i < 10; i++) {
			assertThat(budget.take(Draw.end())).isNull();
		}
		assertThat(budget.take(Draw.end())).extracting(Held::part).isEqualTo(Part.WHOLE);
		assertThat(budget.take(Draw.open())).as("ends used it all").isNotNull();
	}

	@Test
	void aCallHeldBackGivesBackWhatItTookFromTheOtherPart() {
		RequestBudget budget = budget(4, 0.5);
		assertThat(this.buckets).containsOnlyKeys("konpro:4", "konpro:4:non-ends:2");
		for (int i = 0; i < 4; i++) {
			assertThat(budget.take(Draw.end())).isNull();
		}

		assertThat(budget.take(Draw.open())).extracting(Held::part).isEqualTo(Part.WHOLE);

		assertThat(this.buckets.get("konpro:4").getAvailableTokens()).isZero();
		assertThat(this.buckets.get("konpro:4:non-ends:2").getAvailableTokens()).as("given back").isEqualTo(2);
	}

	@Test
	void theSplitKeepsEndsTheirShareRoundedUp() {
		assertThat(BudgetSplit.of(10, 0.5).nonEnds()).isEqualTo(5);
		assertThat(BudgetSplit.of(60, 0.2).nonEnds()).isEqualTo(48);
		assertThat(BudgetSplit.of(3, 0.1).nonEnds()).as("0.3 kept: one request").isEqualTo(2);
		assertThat(BudgetSplit.leavesNonEnds(2, 0.5)).isTrue();
		assertThat(BudgetSplit.leavesNonEnds(1, 0.5)).isFalse();
		assertThat(BudgetSplit.leavesNonEnds(0, 0.5)).as("no limit").isTrue();
	}

	@Test
	void noBudgetHoldsNothingBack() {
		RequestBudget budget = budget(0, 0.5);
		for (int i = 0; i < 100; i++) {
			assertThat(budget.take(Draw.open())).isNull();
		}
		assertThat(this.buckets).isEmpty();
	}

}
