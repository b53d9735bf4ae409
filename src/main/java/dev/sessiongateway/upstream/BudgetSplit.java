package dev.sessiongateway.upstream;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How a provider's request budget is divided so that ends come first, in requests a
 * minute: ends may use all of it, opens and reads only the part ends do not keep.
 *
 * @param perMinute the whole budget (0: no limit)
 * @param nonEnds the part opens and reads may use; ends keep the rest
 */
public record BudgetSplit(int perMinute, int nonEnds) {

	public BudgetSplit {
		if (perMinute > 0 && (nonEnds < 1 || nonEnds > perMinute)) {
			throw new IllegalArgumentException(
					"opens and reads need 1 to " + perMinute + " requests a minute, not " + nonEnds);
		}
	}

	static BudgetSplit none() {
		return new BudgetSplit(0, 0);
	}

	/**
	 * Divides a budget.
	 * @param perMinute the whole budget (0: no limit)
	 * @param endShare the fraction ends keep for themselves, rounded up to whole requests
	 * (0: none)
	 */
	public static BudgetSplit of(int perMinute, double endShare) {
		if (perMinute <= 0) {
			return none();
		}
		return new BudgetSplit(perMinute, perMinute - keptForEnds(perMinute, endShare));
	}

	/**
	 * Whether a budget divided so leaves opens and reads at least one request a minute (a
	 * budget of 0 has no limit, and leaves them all).
	 */
	public static boolean leavesNonEnds(int perMinute, double endShare) {
		return perMinute <= 0 || perMinute - keptForEnds(perMinute, endShare) >= 1;
	}

	/**
	 * The requests a minute ends keep for themselves out of a budget: {@code endShare} of
	 * it, rounded up.
	 */
	public static int keptForEnds(int perMinute, double endShare) {
		return BigDecimal.valueOf(perMinute)
			.multiply(BigDecimal.valueOf(endShare))
			.setScale(0, RoundingMode.CEILING)
			.intValue();
	}

}
