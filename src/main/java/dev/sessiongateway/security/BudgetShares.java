package dev.sessiongateway.security;

import java.util.Map;

/**
 * Each client's share of what a provider's request budget leaves for opens and reads: the
 * most of it that client's opens may use, so that one client's flood leaves the others
 * room. A share is {@code gateway.clients[i].limits.<provider>.budget-share}, or else an
 * equal share among the clients allowed at that provider. Shares cap, they do not
 * reserve: they may add up to more than the whole.
 */
@FunctionalInterface
public interface BudgetShares {

	/**
	 * The clients allowed at a provider, each with its share (more than 0, at most 1).
	 */
	Map<String, Double> at(String provider);

}
