package dev.sessiongateway.upstream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import org.jspecify.annotations.Nullable;

/**
 * The requests a minute the gateway may send one provider, ends first: Bucket4j token
 * buckets, held in this process or shared by every replica through the database.
 * <p>
 * Every call takes a token from the whole budget. Opens and reads also take one from the
 * part of it that ends do not keep for themselves, so that however many opens come, that
 * much of every minute is left for ends, which may use the whole budget. An open also
 * takes one from its client's share of that part, so that one client's flood leaves the
 * others room. A call one bucket holds back gives back what it took from the others.
 */
public final class RequestBudget {

	private static final RequestBudget UNLIMITED = new RequestBudget(BudgetSplit.none(), RequestBudget::localBucket,
			"");

	private final BudgetSplit split;

	private final Buckets buckets;

	private final @Nullable Bucket whole;

	private final @Nullable Bucket nonEnds;

	private final ConcurrentMap<String, Bucket> clients = new ConcurrentHashMap<>();

	/** Where the buckets' keys begin: the provider and its budget. */
	private final String key;

	private RequestBudget(BudgetSplit split, Buckets buckets, String key) {
		this.split = split;
		this.buckets = buckets;
		this.key = key;
		this.whole = (split.perMinute() > 0) ? buckets.bucket(key, split.perMinute()) : null;
		this.nonEnds = (split.perMinute() > 0 && split.nonEnds() < split.perMinute())
				? buckets.bucket(key + ":non-ends:" + split.nonEnds(), split.nonEnds()) : null;
	}

	/** No limit. */
	public static RequestBudget unlimited() {
		return UNLIMITED;
	}

	/** A budget held in this process only. */
	static RequestBudget local(BudgetSplit split) {
		return of(split, RequestBudget::localBucket, "");
	}

	/** A bucket held in this process ({@code key} is not needed). */
	static Bucket localBucket(String key, int perMinute) {
		return Bucket.builder().addLimit(limit(perMinute)).build();
	}

	static RequestBudget of(BudgetSplit split, Buckets buckets, String key) {
		return (split.perMinute() <= 0) ? UNLIMITED : new RequestBudget(split, buckets, key);
	}

	/** A full bucket of {@code perMinute} tokens, refilled evenly over each minute. */
	static BucketConfiguration configuration(int perMinute) {
		return BucketConfiguration.builder().addLimit(limit(perMinute)).build();
	}

	private static Bandwidth limit(int perMinute) {
		return Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
	}

	/**
	 * Takes one request from the whole budget, as an end does.
	 * @return 0 when the request may go, otherwise the seconds until one is due
	 */
	public long tryAcquire() {
		Held held = take(Draw.end());
		return (held != null) ? held.retryAfterSeconds() : 0;
	}

	/**
	 * Takes what one call draws on: for an end the whole budget, for a read also the part
	 * ends do not keep, for an open also its client's share of that part.
	 * @return null when the call may go, otherwise the part that holds it back
	 */
	@Nullable Held take(Draw draw) {
		if (this.whole == null) {
			return null;
		}
		List<Bucket> taken = new ArrayList<>(3);
		boolean granted = false;
		try {
			Bucket share = (draw.kind() == Draw.Kind.OPEN) ? clientShare(draw.client()) : null;
			if (share != null) {
				long wait = tryTake(share);
				if (wait > 0) {
					return new Held(Part.CLIENT_SHARE, wait);
				}
				taken.add(share);
			}
			if (draw.kind() != Draw.Kind.END && this.nonEnds != null) {
				long wait = tryTake(this.nonEnds);
				if (wait > 0) {
					return new Held(Part.NON_ENDS, wait);
				}
				taken.add(this.nonEnds);
			}
			long wait = tryTake(this.whole);
			if (wait > 0) {
				return new Held(Part.WHOLE, wait);
			}
			granted = true;
			return null;
		}
		finally {
			if (!granted) {
				taken.forEach((bucket) -> bucket.addTokens(1));
			}
		}
	}

	private @Nullable Bucket clientShare(@Nullable String client) {
		if (client == null) {
			return null;
		}
		Integer perMinute = this.split.clients().get(client);
		if (perMinute == null || perMinute >= this.split.nonEnds()) {
			return null;
		}
		return this.clients.computeIfAbsent(client,
				(name) -> this.buckets.bucket(this.key + ":client:" + perMinute + ":" + shortHash(name), perMinute));
	}

	/**
	 * @return 0 when a token was taken, otherwise the seconds until one is due
	 */
	private static long tryTake(Bucket bucket) {
		ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
		if (probe.isConsumed()) {
			return 0;
		}
		return Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
	}

	/**
	 * A client's name in a bucket key: short enough for any name, the same everywhere.
	 */
	private static String shortHash(String name) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Makes one bucket of {@code perMinute} tokens a minute under a key. */
	@FunctionalInterface
	interface Buckets {

		Bucket bucket(String key, int perMinute);

	}

	/**
	 * What one call draws on.
	 *
	 * @param kind an end, an open or a read
	 * @param client the client an open is made for (null when not known)
	 */
	public record Draw(Kind kind, @Nullable String client) {

		/** The kinds of call, by what they may use. */
		public enum Kind {

			/**
			 * Ends a session: may use the whole budget, and nothing else may use its
			 * part.
			 */
			END,
			/** Opens a session: the part ends do not keep, within its client's share. */
			OPEN,
			/** Reads a session: the part ends do not keep. */
			READ

		}

		/** An end: a session ended, terminated or compensated. */
		public static Draw end() {
			return new Draw(Kind.END, null);
		}

		/** An open for this client. */
		public static Draw open(@Nullable String client) {
			return new Draw(Kind.OPEN, client);
		}

		/** A read of a session. */
		public static Draw read() {
			return new Draw(Kind.READ, null);
		}

	}

	/** The parts of a budget that can hold a call back. */
	enum Part {

		/** The whole budget. */
		WHOLE("budget"),
		/** The part of the budget that opens and reads may use. */
		NON_ENDS("opens-and-reads"),
		/** One client's share of the part opens may use. */
		CLIENT_SHARE("client-share");

		private final String tag;

		Part(String tag) {
			this.tag = tag;
		}

		/** The part's name in meters. */
		String tag() {
			return this.tag;
		}

	}

	/**
	 * A call the budget holds back.
	 *
	 * @param part the part that has no request left
	 * @param retryAfterSeconds the seconds until it has one
	 */
	record Held(Part part, long retryAfterSeconds) {
	}

}
