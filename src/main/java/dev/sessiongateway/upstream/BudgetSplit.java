package dev.sessiongateway.upstream;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;

/**
 * How a provider's request budget is divided so that ends come first, in requests a
 * minute: ends may use all of it, opens and reads only the part ends do not keep, and
 * each client's opens only its share of that part.
 *
 * @param perMinute the whole budget (0: no limit)
 * @param nonEnds the part opens and reads may use; ends keep the rest
 * @param clients each named client's share of {@code nonEnds} for its opens; a client not
 * named may use all of it
 */
public record BudgetSplit(int perMinute, int nonEnds, Map<String, Integer> clients) {

	public BudgetSplit {
		clients = Map.copyOf(clients);
		if (perMinute > 0 && (nonEnds < 1 || nonEnds > perMinute)) {
			throw new IllegalArgumentException(
					"opens and reads need 1 to " + perMinute + " requests a minute, not " + nonEnds);
		}
	}

	static BudgetSplit none() {
		return new BudgetSplit(0, 0, Map.of());
	}

	/**
	 * Divides a budget.
	 * @param perMinute the whole budget (0: no limit)
	 * @param endShare the fraction ends keep for themselves, rounded up to whole requests
	 * (0: none)
	 * @param clientShares each client's fraction of what opens and reads may use, rounded
	 * down to whole requests but at least one
	 */
	public static BudgetSplit of(int perMinute, double endShare, Map<String, Double> clientShares) {
		if (perMinute <= 0) {
			return none();
		}
		int nonEnds = perMinute - keptForEnds(perMinute, endShare);
		Map<String, Integer> clients = new HashMap<>();
		clientShares.forEach((client, share) -> clients.put(client, share(nonEnds, share)));
		return new BudgetSplit(perMinute, nonEnds, clients);
	}

	/** A fraction of what opens and reads may use, rounded down but at least one. */
	private static int share(int nonEnds, double share) {
		int requests = BigDecimal.valueOf(nonEnds)
			.multiply(BigDecimal.valueOf(share))
			.setScale(0, RoundingMode.FLOOR)
			.intValue();
		return Math.min(nonEnds, Math.max(1, requests));
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
