package dev.sessiongateway.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * The outbound budget towards one provider.
 *
 * @param name the provider's display name, used in messages and metrics
 * @param baseUrl where the provider lives
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for an answer
 * @param maxConnections the most requests in flight at once
 * @param poolWait how long a request may wait for a free connection
 * @param rateLimitPerMinute the most requests a minute (0: no limit)
 * @param maxResponseSize the largest answer read
 * @param circuitFailureThreshold failures in a row that open the circuit (0: never)
 * @param circuitOpenFor how long an open circuit refuses calls before a trial call
 * @param endShare the fraction of {@code rateLimitPerMinute} that only ends may use (0:
 * none)
 * @param clientShares each client's fraction of the rest, for its opens; a client not
 * named may use all of it
 */
public record UpstreamSettings(String name, URI baseUrl, Duration connectTimeout, Duration readTimeout,
		int maxConnections, Duration poolWait, int rateLimitPerMinute, DataSize maxResponseSize,
		int circuitFailureThreshold, Duration circuitOpenFor, double endShare, Map<String, Double> clientShares) {

	public UpstreamSettings {
		clientShares = Map.copyOf(clientShares);
	}

	/** How the request budget is divided so that ends come first. */
	public BudgetSplit budgetSplit() {
		return BudgetSplit.of(this.rateLimitPerMinute, this.endShare, this.clientShares);
	}

	/** The longest one call can take: waiting for a connection, connecting, answering. */
	public Duration longestCall() {
		return this.poolWait.plus(this.connectTimeout).plus(this.readTimeout);
	}

	/**
	 * What a credential must look like to travel safely in a header: printable ASCII
	 * without spaces, line breaks or control characters (a {@code @Pattern} regexp).
	 */
	public static final String HEADER_SAFE = "[!-~]*";

	/** Why an end share was refused. */
	public static final String END_SHARE_MESSAGE = "must be more than 0 and less than 1: the fraction of "
			+ "rate-limit-per-minute that only ends may use";

	/**
	 * Why an end share was refused that leaves opens and reads nothing ({@code {0}}: the
	 * budget's property).
	 */
	public static final String END_SHARE_LEAVES_NOTHING = "keeps every request of {0} for ends, leaving opens "
			+ "and reads none: lower it, or raise {0}";

	/**
	 * Reports, as a provider's settings check, an end share that leaves opens and reads
	 * no request of a budget of {@code rateLimitPerMinute} a minute.
	 */
	public static void rejectEndShareLeavingNothing(int rateLimitPerMinute, double endShare, Errors errors) {
		if (endShare > 0 && endShare < 1 && !BudgetSplit.leavesNonEnds(rateLimitPerMinute, endShare)) {
			errors.rejectValue("end-share", "leaves-nothing", new Object[] { "rate-limit-per-minute" },
					END_SHARE_LEAVES_NOTHING);
		}
	}

	/** Why a credential was refused; never its value. */
	public static final String HEADER_SAFE_MESSAGE = "must be printable ASCII without spaces or line breaks (value not shown)";

}
