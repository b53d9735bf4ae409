package dev.sessiongateway.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pathors as the gateway's client calls it, holding state as the provider does: a create
 * makes the session it names live and answers naming it, an end removes it and answers
 * 200, or 404 when it is not live. Creates and ends can be held open until the test lets
 * them go and says whether the provider acted on them; ends can fail with 503 at random
 * (from a fixed seed). Each replica gets a port of its own, so that calls are counted per
 * replica, and ends in flight are counted per session id: two at once for one id means
 * two replicas worked the same row at once.
 */
final class PathorsStub implements AutoCloseable {

	static final String API_KEY = "dk_durability-stub-key-not-real";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** How the stub answers a kind of call. */
	enum Mode {

		/** At once, acting on it. */
		ANSWER,

		/** Not until the test releases the call. */
		HOLD,

		/** 503 for a share of the calls, otherwise as {@link #ANSWER}. */
		FLAKY

	}

	/** A call the stub holds open; the test decides whether the provider acted on it. */
	record Held(String kind, String projectId, String sessionId, CompletableFuture<Boolean> acted) {
	}

	private final List<HttpServer> servers = new ArrayList<>();

	private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

	private final Set<String> live = ConcurrentHashMap.newKeySet();

	private final List<Held> held = new ArrayList<>();

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> endCallsPerSession = new ConcurrentHashMap<>();

	private final Set<String> endedByAnswer = ConcurrentHashMap.newKeySet();

	private final Map<String, Long> lastCall = new ConcurrentHashMap<>();

	private final Map<Integer, AtomicInteger> endAnswers = new ConcurrentHashMap<>();

	private final AtomicInteger endCalls = new AtomicInteger();

	private final AtomicInteger createCalls = new AtomicInteger();

	private final Map<String, AtomicInteger> mostLive = new ConcurrentHashMap<>();

	private final AtomicInteger overlaps = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger repeatedEnds = new AtomicInteger();

	private final AtomicInteger unauthorized = new AtomicInteger();

	private final List<AtomicInteger> endCallsPerPort = new ArrayList<>();

	private volatile Mode creates = Mode.ANSWER;

	private volatile Mode ends = Mode.ANSWER;

	private volatile double failShare;

	private volatile long seed;

	private volatile Duration endLatency = Duration.ZERO;

	private PathorsStub() {
	}

	/** Starts the stub on {@code ports} ports of 127.0.0.1, one per replica. */
	static PathorsStub start(int ports) {
		PathorsStub stub = new PathorsStub();
		try {
			for (int i = 0; i < ports; i++) {
				int port = i;
				HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				server.setExecutor(stub.threads);
				server.createContext("/", (exchange) -> stub.exchange(exchange, port));
				server.start();
				stub.servers.add(server);
				stub.endCallsPerPort.add(new AtomicInteger());
			}
		}
		catch (IOException ex) {
			stub.close();
			throw new UncheckedIOException(ex);
		}
		return stub;
	}

	/** The base URL the replica with this index is given. */
	String baseUrl(int replica) {
		return "http://127.0.0.1:" + this.servers.get(replica).getAddress().getPort();
	}

	void creates(Mode mode) {
		this.creates = mode;
	}

	void ends(Mode mode) {
		this.ends = mode;
	}

	/**
	 * Ends fail with 503 for about {@code share} of the calls, decided from {@code seed},
	 * the session id and how often it was ended before; each end takes {@code latency}.
	 */
	void flakyEnds(double share, long seed, Duration latency) {
		this.failShare = share;
		this.seed = seed;
		this.endLatency = latency;
		this.ends = Mode.FLAKY;
	}

	/** Makes sessions live, as if they had been created earlier. */
	void live(String projectId, List<String> sessionIds) {
		sessionIds.forEach((id) -> this.live.add(key(projectId, id)));
	}

	/** The ids of the sessions live in a project, sorted. */
	Set<String> live(String projectId) {
		String prefix = projectId + "/";
		Set<String> ids = new TreeSet<>();
		this.live.stream()
			.filter((key) -> key.startsWith(prefix))
			.forEach((key) -> ids.add(key.substring(prefix.length())));
		return ids;
	}

	/**
	 * Waits until the stub holds {@code count} calls of this kind ({@code create} or
	 * {@code end}).
	 * @return the calls held, or fewer when the time is up
	 */
	List<Held> awaitHeld(String kind, int count, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		synchronized (this.held) {
			while (held(kind).size() < count && deadline - System.nanoTime() > 0) {
				this.held.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			return held(kind);
		}
	}

	/**
	 * Lets every held call go; the provider acted on those {@code acted} accepts (the
	 * session was created, or ended) and not on the others. The sessions live at the
	 * provider are updated before this returns.
	 */
	void release(Predicate<Held> acted) {
		List<Held> released;
		synchronized (this.held) {
			released = List.copyOf(this.held);
			this.held.clear();
		}
		for (Held call : released) {
			boolean done = acted.test(call);
			if (done && call.kind().equals("create")) {
				this.live.add(key(call.projectId(), call.sessionId()));
				noteLive(call.projectId());
			}
			else if (done && this.live.remove(key(call.projectId(), call.sessionId()))) {
				this.endedByAnswer.add(key(call.projectId(), call.sessionId()));
			}
			call.acted().complete(done);
		}
	}

	private List<Held> held(String kind) {
		return this.held.stream().filter((call) -> call.kind().equals(kind)).toList();
	}

	int endCalls() {
		return this.endCalls.get();
	}

	/** Creates that arrived, answered or held. */
	int createCalls() {
		return this.createCalls.get();
	}

	/** The most sessions live in a project at once, as counted after each create. */
	int mostLive(String projectId) {
		AtomicInteger most = this.mostLive.get(projectId);
		return (most != null) ? most.get() : 0;
	}

	private void noteLive(String projectId) {
		int now = live(projectId).size();
		this.mostLive.computeIfAbsent(projectId, (p) -> new AtomicInteger()).accumulateAndGet(now, Math::max);
	}

	int endCalls(int replica) {
		return this.endCallsPerPort.get(replica).get();
	}

	/**
	 * When the last call about a session (an end, or a read) arrived, as
	 * {@link System#nanoTime()}.
	 */
	long lastCall(String projectId, String sessionId) {
		Long at = this.lastCall.get(key(projectId, sessionId));
		if (at == null) {
			throw new IllegalStateException("no call about " + sessionId + " arrived");
		}
		return at;
	}

	/** Answers given to ends, by status. */
	Map<Integer, Integer> endAnswers() {
		Map<Integer, Integer> answers = new TreeMap<>();
		this.endAnswers.forEach((status, count) -> answers.put(status, count.get()));
		return answers;
	}

	/** Times an end of one session arrived while another end of it was in flight. */
	int overlaps() {
		return this.overlaps.get();
	}

	/** The most ends of one session in flight at once. */
	int maxInFlight() {
		return this.maxInFlight.get();
	}

	/** Ends of a session after the stub had already answered an end of it with 200. */
	int repeatedEnds() {
		return this.repeatedEnds.get();
	}

	/** Calls without the expected Bearer key. */
	int unauthorized() {
		return this.unauthorized.get();
	}

	private void exchange(HttpExchange exchange, int port) {
		try (exchange) {
			byte[] body = exchange.getRequestBody().readAllBytes();
			Reply reply = handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestHeaders().getFirst("Authorization"), body, port);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(reply.status(), reply.body().length);
			exchange.getResponseBody().write(reply.body());
		}
		catch (IOException ex) {
			// the gateway is gone (killed while the call was held)
		}
	}

	private Reply handle(String method, String path, @Nullable String authorization, byte[] body, int port) {
		if (!("Bearer " + API_KEY).equals(authorization)) {
			this.unauthorized.incrementAndGet();
			return Reply.of(401, "{\"error\":{\"message\":\"Invalid API key\"}}");
		}
		String[] segments = path.split("/");
		// "", "v1", "projects", projectId, "sessions"[, sessionId]
		if (segments.length < 5 || !segments[1].equals("v1") || !segments[2].equals("projects")
				|| !segments[4].equals("sessions")) {
			return Reply.of(404, "{\"error\":{\"message\":\"Not found\"}}");
		}
		String projectId = segments[3];
		if (segments.length == 6 && method.equals("GET")) {
			this.lastCall.put(key(projectId, segments[5]), System.nanoTime());
			return this.live.contains(key(projectId, segments[5])) ? Reply.of(200, "{\"sessionId\":\"x\"}")
					: Reply.of(404, "{\"error\":{\"message\":\"Session not found\"}}");
		}
		String sessionId = sessionId(body);
		if (segments.length != 5 || sessionId == null) {
			return Reply.of(400, "{\"error\":{\"message\":\"session_id is required\"}}");
		}
		return switch (method) {
			case "POST" -> create(projectId, sessionId);
			case "DELETE" -> end(projectId, sessionId, port);
			default -> Reply.of(405, "{\"error\":{\"message\":\"Method not allowed\"}}");
		};
	}

	private Reply create(String projectId, String sessionId) {
		this.createCalls.incrementAndGet();
		if (this.creates == Mode.HOLD) {
			return hold("create", projectId, sessionId) ? created(sessionId) : Reply.of(500, "{}");
		}
		if (!this.live.add(key(projectId, sessionId))) {
			return Reply.of(409, "{\"error\":{\"message\":\"Session already exists\"}}");
		}
		noteLive(projectId);
		return created(sessionId);
	}

	private static Reply created(String sessionId) {
		return Reply.of(201, "{\"sessionId\":\"" + sessionId + "\",\"pathwayId\":\"pw_stub\"}");
	}

	private Reply end(String projectId, String sessionId, int port) {
		String key = key(projectId, sessionId);
		this.lastCall.put(key, System.nanoTime());
		this.endCalls.incrementAndGet();
		this.endCallsPerPort.get(port).incrementAndGet();
		int call = this.endCallsPerSession.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		AtomicInteger flying = this.inFlight.computeIfAbsent(key, (k) -> new AtomicInteger());
		int now = flying.incrementAndGet();
		this.maxInFlight.accumulateAndGet(now, Math::max);
		if (now > 1) {
			this.overlaps.incrementAndGet();
		}
		try {
			Reply reply = endNow(projectId, sessionId, call);
			this.endAnswers.computeIfAbsent(reply.status(), (s) -> new AtomicInteger()).incrementAndGet();
			return reply;
		}
		finally {
			flying.decrementAndGet();
		}
	}

	private Reply endNow(String projectId, String sessionId, int call) {
		String key = key(projectId, sessionId);
		if (this.endedByAnswer.contains(key)) {
			this.repeatedEnds.incrementAndGet();
		}
		Mode mode = this.ends;
		if (mode == Mode.HOLD) {
			return hold("end", projectId, sessionId) ? ended(sessionId)
					: Reply.of(503, "{\"error\":{\"message\":\"Service unavailable\"}}");
		}
		if (mode == Mode.FLAKY) {
			pause(this.endLatency);
			long mixed = this.seed ^ (sessionId.hashCode() * 0x9E3779B97F4A7C15L) ^ call;
			if (new SplittableRandom(mixed).nextDouble() < this.failShare) {
				return Reply.of(503, "{\"error\":{\"message\":\"Service unavailable\"}}");
			}
		}
		if (!this.live.remove(key)) {
			return Reply.of(404, "{\"error\":{\"message\":\"Session not found\"}}");
		}
		this.endedByAnswer.add(key);
		return ended(sessionId);
	}

	private static Reply ended(String sessionId) {
		return Reply.of(200, "{\"success\":true,\"sessionId\":\"" + sessionId + "\",\"message\":\"Session ended\"}");
	}

	/**
	 * Holds the call until the test releases it, which carries out what the provider did.
	 * @return whether the provider acted on it
	 */
	private boolean hold(String kind, String projectId, String sessionId) {
		Held call = new Held(kind, projectId, sessionId, new CompletableFuture<>());
		synchronized (this.held) {
			this.held.add(call);
			this.held.notifyAll();
		}
		try {
			return call.acted().get(5, TimeUnit.MINUTES);
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static void pause(Duration latency) {
		if (latency.isZero()) {
			return;
		}
		try {
			Thread.sleep(latency);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static @Nullable String sessionId(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			JsonNode id = JSON.readTree(body).path("session_id");
			return id.isString() ? id.stringValue() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static String key(String projectId, String sessionId) {
		return projectId + "/" + sessionId;
	}

	@Override
	public void close() {
		release((call) -> false);
		this.servers.forEach((server) -> server.stop(0));
		this.threads.shutdownNow();
	}

	private record Reply(int status, byte[] body) {

		static Reply of(int status, String json) {
			return new Reply(status, json.getBytes(StandardCharsets.UTF_8));
		}

	}

}
