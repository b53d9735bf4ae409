package dev.sessiongateway.tracking;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A provider held in memory, behind tracking's port: it knows which sessions are live
 * there, so a test can compare the ledger with the provider. Tests may pause calls
 * ({@link #beforeCall}) and make them go wrong ({@link #faults}).
 */
public class FakeProvider implements ProviderSessions<String> {

	/** What happens to one call. */
	public enum Fault {

		/** The provider acts and answers. */
		NONE,
		/** Nothing reaches the provider (connection refused): certainly no effect. */
		UNREACHABLE,
		/** The provider acts, but the answer is lost (timeout, reset, 5xx). */
		LOST_ANSWER,
		/** The provider refuses the request itself (400/409/422). */
		REFUSED,
		/** The request budget holds the call back: certainly no effect, try later. */
		LIMITED,
		/**
		 * A create the provider is still working on when the gateway gives up (timeout):
		 * it lands only when the test says so ({@link #landLateCreates}), possibly after
		 * an end of the same session was answered.
		 */
		LANDS_LATE

	}

	/** The operations, as named to the hooks. */
	public enum Op {

		OPEN, END, STATUS

	}

	private final String name;

	private final Set<String> live = ConcurrentHashMap.newKeySet();

	private final Set<String> landingLate = ConcurrentHashMap.newKeySet();

	private final AtomicInteger generatedIds = new AtomicInteger();

	private final AtomicInteger calls = new AtomicInteger();

	private final java.util.Map<Op, AtomicInteger> callsByOp = new java.util.EnumMap<>(java.util.Map.of(Op.OPEN,
			new AtomicInteger(), Op.END, new AtomicInteger(), Op.STATUS, new AtomicInteger()));

	private volatile Consumer<Op> beforeCall = (op) -> {
	};

	private volatile BiFunction<Op, String, Fault> faults = (op, key) -> Fault.NONE;

	public FakeProvider(String name) {
		this.name = name;
	}

	/** Forgets every session, call and hook. */
	public FakeProvider reset() {
		this.live.clear();
		this.landingLate.clear();
		this.calls.set(0);
		this.callsByOp.values().forEach((count) -> count.set(0));
		this.generatedIds.set(0);
		this.beforeCall = (op) -> {
		};
		this.faults = (op, key) -> Fault.NONE;
		return this;
	}

	/** Runs before every call, on the calling thread: a test may block it on a latch. */
	public FakeProvider beforeCall(Consumer<Op> hook) {
		this.beforeCall = hook;
		return this;
	}

	/** Decides the fault of each call from its operation and session key. */
	public FakeProvider faults(BiFunction<Op, String, Fault> faults) {
		this.faults = faults;
		return this;
	}

	public boolean isLive(String scope, String sessionId) {
		return this.live.contains(key(scope, sessionId));
	}

	public Set<String> live() {
		return Set.copyOf(this.live);
	}

	/**
	 * The provider ends a session on its own (a webhook would follow).
	 * @return when it ended, as the webhook's {@code timestamp} would say; empty when the
	 * session was not live
	 */
	public java.util.Optional<java.time.Instant> endOnItsOwn(String scope, String sessionId) {
		synchronized (this.live) {
			return this.live.remove(key(scope, sessionId)) ? java.util.Optional.of(java.time.Instant.now())
					: java.util.Optional.empty();
		}
	}

	/**
	 * The creates still in the works land now: each session is live at the provider,
	 * whatever ends it was sent meanwhile.
	 * @return how many landed
	 */
	public int landLateCreates() {
		int landed = 0;
		synchronized (this.live) {
			for (String key : this.landingLate) {
				if (this.live.add(key)) {
					landed++;
				}
			}
			this.landingLate.clear();
		}
		return landed;
	}

	/** Puts a session live at the provider as if a create had reached it. */
	public void makeLive(String scope, String sessionId) {
		this.live.add(key(scope, sessionId));
	}

	public int calls() {
		return this.calls.get();
	}

	/** The calls of one operation so far. */
	public int calls(Op op) {
		return this.callsByOp.get(op).get();
	}

	@Override
	public String provider() {
		return this.name;
	}

	@Override
	public ProviderOutcome<String> open(OpenIntent intent) {
		String sessionId = (intent.sessionId() != null) ? intent.sessionId()
				: "gen-" + this.generatedIds.incrementAndGet();
		String key = key(intent.scope(), sessionId);
		Fault fault = enter(Op.OPEN, key);
		if (fault == Fault.LIMITED) {
			return limited();
		}
		if (fault == Fault.UNREACHABLE) {
			return new ProviderOutcome.Failed<>(new IllegalStateException("provider unreachable"), null);
		}
		synchronized (this.live) {
			if (fault == Fault.LANDS_LATE) {
				this.landingLate.add(key);
				return new ProviderOutcome.Uncertain<>(new IllegalStateException("answer lost"), null);
			}
			if (fault == Fault.REFUSED || !this.live.add(key)) {
				return new ProviderOutcome.Refused<>("refused " + sessionId);
			}
		}
		if (fault == Fault.LOST_ANSWER) {
			return new ProviderOutcome.Uncertain<>(new IllegalStateException("answer lost"), null);
		}
		return new ProviderOutcome.Confirmed<>("opened " + sessionId, SessionFacts.alive(sessionId, "pw", null));
	}

	@Override
	public ProviderOutcome<String> end(String scope, String sessionId) {
		String key = key(scope, sessionId);
		Fault fault = enter(Op.END, key);
		if (fault == Fault.LIMITED) {
			return limited();
		}
		if (fault == Fault.UNREACHABLE) {
			return new ProviderOutcome.Failed<>(new IllegalStateException("provider unreachable"), null);
		}
		if (fault == Fault.REFUSED) {
			return new ProviderOutcome.Refused<>("refused end " + sessionId);
		}
		this.live.remove(key);
		if (fault == Fault.LOST_ANSWER) {
			return new ProviderOutcome.Uncertain<>(new IllegalStateException("answer lost"), null);
		}
		return new ProviderOutcome.Confirmed<>("ended " + sessionId, SessionFacts.ended(EndReason.CLIENT));
	}

	@Override
	public ProviderOutcome<String> status(String scope, String sessionId) {
		String key = key(scope, sessionId);
		Fault fault = enter(Op.STATUS, key);
		if (fault == Fault.LIMITED) {
			return limited();
		}
		if (fault == Fault.UNREACHABLE || fault == Fault.LOST_ANSWER) {
			return new ProviderOutcome.Failed<>(new IllegalStateException("provider unreachable"), null);
		}
		if (fault == Fault.REFUSED) {
			return new ProviderOutcome.Refused<>("refused read " + sessionId);
		}
		return this.live.contains(key)
				? new ProviderOutcome.Confirmed<>("alive " + sessionId, SessionFacts.alive(sessionId, null, null))
				: new ProviderOutcome.Confirmed<>("gone " + sessionId, SessionFacts.ended(EndReason.PROVIDER_GONE));
	}

	private Fault enter(Op op, String key) {
		this.calls.incrementAndGet();
		this.callsByOp.get(op).incrementAndGet();
		this.beforeCall.accept(op);
		return this.faults.apply(op, key);
	}

	private static <R> ProviderOutcome<R> limited() {
		return new ProviderOutcome.Failed<>(new IllegalStateException("request budget used up"),
				java.time.Duration.ofSeconds(10));
	}

	@Override
	public java.time.Duration longestCall() {
		return java.time.Duration.ofSeconds(1);
	}

	static String key(String scope, @Nullable String sessionId) {
		return scope + "/" + sessionId;
	}

}
