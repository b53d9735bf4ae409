package dev.sessiongateway.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What both simulators share: percent-decoded path segments, a request log (the latest
 * {@value #LOG_LIMIT} requests) and JSON replies, served either by a JDK
 * {@link HttpServer} of its own on 127.0.0.1 with virtual threads ({@link #start()}), or
 * under a path of a server it shares with the other simulator ({@link Simulators}). A
 * simulator answers each request in {@link #handle} and forgets its own state in
 * {@link #forget}.
 *
 * @param <S> the simulator itself, so that {@link #start()} returns it
 */
public abstract class Simulator<S extends Simulator<S>> implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** How many requests the log keeps: a simulator may serve a demo for days. */
	static final int LOG_LIMIT = 1000;

	private final int requestedPort;

	private final AtomicInteger requestCount = new AtomicInteger();

	private final Deque<String> requestLog = new ArrayDeque<>();

	private volatile @Nullable String lastRequestBody;

	private @Nullable HttpServer server;

	private @Nullable ExecutorService executor;

	Simulator(int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port out of range: " + port);
		}
		this.requestedPort = port;
	}

	/** Answers one request. */
	abstract Reply handle(Request request);

	/** Forgets the simulator's own state (sessions); called by {@link #reset()}. */
	abstract void forget();

	@SuppressWarnings("unchecked")
	public synchronized S start() {
		if (this.server != null) {
			throw new IllegalStateException("already started");
		}
		try {
			HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", this.requestedPort), 0);
			ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
			created.setExecutor(threads);
			created.createContext("/", this::exchange);
			created.start();
			this.server = created;
			this.executor = threads;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot bind 127.0.0.1:" + this.requestedPort, ex);
		}
		return (S) this;
	}

	public synchronized void stop() {
		HttpServer running = this.server;
		ExecutorService threads = this.executor;
		this.server = null;
		this.executor = null;
		if (running != null) {
			running.stop(0);
		}
		if (threads != null) {
			threads.close();
		}
	}

	@Override
	public void close() {
		stop();
	}

	public synchronized int port() {
		HttpServer running = this.server;
		if (running == null) {
			throw new IllegalStateException("not started");
		}
		return running.getAddress().getPort();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/** Forgets every session, the request count and the request log. */
	public void reset() {
		forget();
		this.requestCount.set(0);
		synchronized (this.requestLog) {
			this.requestLog.clear();
		}
		this.lastRequestBody = null;
	}

	public int requestCount() {
		return this.requestCount.get();
	}

	/**
	 * The requests received since the last reset, as {@code "METHOD rawPath"} (the path
	 * below the simulator's own), the latest {@value #LOG_LIMIT} of them.
	 */
	public List<String> requestLog() {
		synchronized (this.requestLog) {
			return List.copyOf(this.requestLog);
		}
	}

	/** The body of the most recent request (empty string when it had none). */
	public @Nullable String lastRequestBody() {
		return this.lastRequestBody;
	}

	/**
	 * Answers one exchange of the server's context this simulator is mounted at; the path
	 * it sees is the part below that context's path.
	 */
	void exchange(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = exchange.getRequestBody().readAllBytes();
			String rawPath = below(exchange.getHttpContext().getPath(), exchange.getRequestURI().getRawPath());
			String method = exchange.getRequestMethod();
			this.requestCount.incrementAndGet();
			synchronized (this.requestLog) {
				this.requestLog.addLast(method + " " + rawPath);
				if (this.requestLog.size() > LOG_LIMIT) {
					this.requestLog.removeFirst();
				}
			}
			this.lastRequestBody = new String(body, StandardCharsets.UTF_8);
			Reply reply;
			try {
				reply = handle(new Request(method, segments(rawPath), exchange.getRequestHeaders(), body));
			}
			catch (RuntimeException ex) {
				reply = Reply.json(500, JSON.createObjectNode()
					.set("error", JSON.createObjectNode().put("message", "Simulator failure: " + ex)));
			}
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			reply.headers().forEach(exchange.getResponseHeaders()::set);
			exchange.sendResponseHeaders(reply.status(), (reply.body().length > 0) ? reply.body().length : -1);
			exchange.getResponseBody().write(reply.body());
		}
	}

	/**
	 * The raw path below a context path ({@code /pathors/} and {@code /pathors/v1/x} give
	 * {@code /v1/x}); the whole raw path under the root context, or when it does not
	 * start with the context path as it is (a percent-encoded context path).
	 */
	static String below(String contextPath, String rawPath) {
		String context = contextPath.endsWith("/") ? contextPath.substring(0, contextPath.length() - 1) : contextPath;
		if (context.isEmpty() || !rawPath.startsWith(context + "/")) {
			return rawPath;
		}
		return rawPath.substring(context.length());
	}

	/**
	 * Splits the raw path on '/' and decodes each segment on its own, so that an encoded
	 * '/' stays inside its segment. A '+' is kept as is; a malformed escape is kept raw.
	 */
	static List<String> segments(String rawPath) {
		String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
		List<String> segments = new ArrayList<>();
		for (String raw : path.split("/", -1)) {
			try {
				segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException ex) {
				segments.add(raw);
			}
		}
		return List.copyOf(segments);
	}

	/**
	 * One request as the simulators see it.
	 */
	record Request(String method, List<String> segments, Headers headers, byte[] body) {

		@Nullable String header(String name) {
			return this.headers.getFirst(name);
		}

		boolean hasBody() {
			return this.body.length > 0 && !new String(this.body, StandardCharsets.UTF_8).isBlank();
		}

		/**
		 * The body as JSON, or a missing node when there is none.
		 * @throws tools.jackson.core.JacksonException when the body is not JSON
		 */
		JsonNode json() {
			if (!hasBody()) {
				return JSON.missingNode();
			}
			JsonNode node = JSON.readTree(this.body);
			return (node != null) ? node : JSON.missingNode();
		}

		boolean path(String... expected) {
			return this.segments.equals(List.of(expected));
		}

	}

	/**
	 * One answer: status, JSON body bytes and extra headers.
	 */
	record Reply(int status, byte[] body, Map<String, String> headers) {

		static Reply json(int status, JsonNode body) {
			return new Reply(status, JSON.writeValueAsBytes(body), Map.of());
		}

		Reply withHeader(String name, String value) {
			Map<String, String> all = new LinkedHashMap<>(this.headers);
			all.put(name, value);
			return new Reply(this.status, this.body, Map.copyOf(all));
		}

	}

}
