package dev.sessiongateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.FatalStartupException;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider stand-in that holds state, as the real one does: WireMock answers every
 * request through a small model of the provider's sessions. A create that reaches the
 * provider makes the session live (Pathors: the id the caller chose; Konpro: an id the
 * stub makes up), an end removes it, and a fault plan decides per request whether the
 * provider acted and what reached the wire: a status, a socket fault, a late answer. The
 * whole server can also refuse connections or turn into a listener that never answers.
 * Every answer closes its connection, so that each request opens a fresh one and a
 * refused or silent server is met by the very next request.
 */
final class ProviderStub implements AutoCloseable {

	/** The operations the model knows. */
	enum Operation {

		CREATE, END, STATUS

	}

	/** What a faulty provider sends back instead of its answer. */
	enum Answer {

		HTTP_500, HTTP_502, HTTP_503, HTTP_429, RESET, EMPTY_RESPONSE, MALFORMED_CHUNK, RANDOM_DATA, LATE,
		/**
		 * The provider is still working on the request when the gateway's read timeout
		 * passes, and carries it out only when the test says so
		 * ({@link #landLateRequests}): a create that lands after its compensating end.
		 */
		LANDS_LATE

	}

	/** The gateway's read timeout in tests. */
	static final int READ_TIMEOUT_MILLIS = 1000;

	/** How late a late answer comes: after the gateway's read timeout. */
	static final int LATE_MILLIS = 1300;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final boolean pathors;

	private final String konproAccount;

	private final int port;

	private final WireMockServer server;

	private final Set<String> live = ConcurrentHashMap.newKeySet();

	private final List<String> creates = new CopyOnWriteArrayList<>();

	private final List<EndCall> ends = new CopyOnWriteArrayList<>();

	private final List<Socket> silent = new CopyOnWriteArrayList<>();

	private final List<Call> landingLate = new CopyOnWriteArrayList<>();

	private @Nullable Planned next;

	private long outageUntil;

	private int konproIds;

	private @Nullable ServerSocket blackHole;

	private @Nullable Thread listener;

	private ProviderStub(boolean pathors, String konproAccount) {
		this.pathors = pathors;
		this.konproAccount = konproAccount;
		this.port = freePort();
		this.server = new WireMockServer(
				WireMockConfiguration.options().port(this.port).bindAddress("127.0.0.1").extensions(new Model()));
		this.server.start();
		this.server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.ok()));
	}

	/** Pathors: projects of caller-chosen session ids. */
	static ProviderStub pathors() {
		return new ProviderStub(true, "");
	}

	/** Konpro: one account whose session ids the provider chooses. */
	static ProviderStub konpro(String account) {
		return new ProviderStub(false, account);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** Forgets every session, count and plan; the server answers again. */
	synchronized void reset() {
		heal();
		this.live.clear();
		this.creates.clear();
		this.ends.clear();
		this.landingLate.clear();
		this.next = null;
		this.outageUntil = 0;
	}

	/**
	 * The next request of this operation gets {@code answer}; {@code acted} says whether
	 * the provider carried it out first.
	 */
	synchronized void failNext(Operation operation, Answer answer, boolean acted) {
		this.next = new Planned(operation, answer, acted);
	}

	/**
	 * The requests the provider was still working on are carried out now, whatever
	 * happened meanwhile.
	 * @return how many were
	 */
	synchronized int landLateRequests() {
		List<Call> landing = List.copyOf(this.landingLate);
		this.landingLate.clear();
		landing.forEach((call) -> new Model().act(call));
		return landing.size();
	}

	/** Every request answers 503, without acting, for this long from now. */
	synchronized void outage(Duration duration) {
		this.outageUntil = System.nanoTime() + duration.toNanos();
	}

	/** Nothing listens on the provider's port: connections are refused. */
	synchronized void refuse() {
		closeBlackHole();
		this.server.stop();
	}

	/** A listener takes the provider's port, accepts connections and never answers. */
	synchronized void blackHole() {
		refuse();
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress("127.0.0.1", this.port));
			this.blackHole = socket;
			this.listener = Thread.ofPlatform().name("black-hole-" + this.port).start(() -> {
				while (!socket.isClosed()) {
					try {
						this.silent.add(socket.accept());
					}
					catch (IOException ex) {
						// closed
					}
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The provider answers again (its sessions are as it left them). */
	synchronized void heal() {
		closeBlackHole();
		if (!this.server.isRunning()) {
			start();
		}
	}

	/**
	 * Starts the server again on its port, once the port's last listener let go of it.
	 */
	private void start() {
		for (int attempt = 1;; attempt++) {
			try {
				this.server.start();
				this.server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.ok()));
				return;
			}
			catch (FatalStartupException ex) {
				if (attempt >= 40) {
					throw ex;
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private void closeBlackHole() {
		ServerSocket socket = this.blackHole;
		this.blackHole = null;
		if (socket != null) {
			closeQuietly(socket);
		}
		Thread accepting = this.listener;
		this.listener = null;
		if (accepting != null) {
			try {
				accepting.join(Duration.ofSeconds(2));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.silent.forEach(ProviderStub::closeQuietly);
		this.silent.clear();
	}

	/** The sessions live at the provider, as {@code scope/sessionId}. */
	Set<String> live() {
		return Set.copyOf(this.live);
	}

	/** The create requests received, by the session id they asked for (Konpro: none). */
	List<String> creates() {
		return List.copyOf(this.creates);
	}

	/** How many end requests each session id received. */
	Map<String, Integer> endsBySession() {
		Map<String, Integer> counts = new TreeMap<>();
		this.ends.forEach((call) -> counts.merge(call.sessionId(), 1, Integer::sum));
		return counts;
	}

	/**
	 * How many end requests arrived while the gateway still waited for an earlier end of
	 * the same session: the same session's end worked on twice at once.
	 */
	int overlappingEnds() {
		int overlapping = 0;
		for (int i = 0; i < this.ends.size(); i++) {
			EndCall call = this.ends.get(i);
			for (int j = 0; j < i; j++) {
				EndCall earlier = this.ends.get(j);
				if (earlier.sessionId().equals(call.sessionId()) && call.arrivedAt() - earlier.busyUntil() < 0) {
					overlapping++;
					break;
				}
			}
		}
		return overlapping;
	}

	@Override
	public void close() {
		closeBlackHole();
		if (this.server.isRunning()) {
			this.server.stop();
		}
	}

	/** One planned fault. */
	private record Planned(Operation operation, Answer answer, boolean acted) {
	}

	/**
	 * One end request: when it arrived, and until when the gateway waited for its answer
	 * (a late answer keeps it waiting until its read timeout, less a margin).
	 */
	private record EndCall(String sessionId, long arrivedAt, long busyUntil) {
	}

	/** A request as the model reads it. */
	private record Call(Operation operation, String scope, @Nullable String sessionId) {
	}

	/** Answers every request from the provider's state and the fault plan. */
	private final class Model implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "provider-model";
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			Call call = read(event.getRequest());
			if (call == null) {
				return closing(error(404, "Not found")).build();
			}
			synchronized (ProviderStub.this) {
				if (call.operation() == Operation.CREATE) {
					ProviderStub.this.creates.add((call.sessionId() != null) ? call.sessionId() : "");
				}
				long now = System.nanoTime();
				if (now - ProviderStub.this.outageUntil < 0) {
					noteEnd(call, now, 0);
					return closing(error(503, "Service unavailable")).build();
				}
				Planned planned = ProviderStub.this.next;
				if (planned != null && planned.operation() == call.operation()) {
					ProviderStub.this.next = null;
				}
				else {
					planned = null;
				}
				boolean late = planned != null
						&& (planned.answer() == Answer.LATE || planned.answer() == Answer.LANDS_LATE);
				noteEnd(call, now, late ? READ_TIMEOUT_MILLIS - 50 : 0);
				if (planned != null && planned.answer() == Answer.LANDS_LATE) {
					ProviderStub.this.landingLate.add(call);
					return closing(error(500, "Still working")).withFixedDelay(LATE_MILLIS).build();
				}
				ResponseDefinitionBuilder answer = (planned == null || planned.acted()) ? act(call) : null;
				if (planned == null) {
					return closing(answer).build();
				}
				return fault(planned.answer(), answer).build();
			}
		}

		private void noteEnd(Call call, long now, long busyMillis) {
			if (call.operation() == Operation.END) {
				ProviderStub.this.ends.add(new EndCall(String.valueOf(call.sessionId()), now,
						now + Duration.ofMillis(busyMillis).toNanos()));
			}
		}

		private @Nullable Call read(Request request) {
			String path = request.getUrl();
			RequestMethod method = request.getMethod();
			if (ProviderStub.this.pathors) {
				String[] parts = path.split("/");
				// "", "v1", "projects", "{projectId}", "sessions"[, "{sessionId}"]
				if (parts.length < 5 || !parts[1].equals("v1") || !parts[2].equals("projects")
						|| !parts[4].equals("sessions")) {
					return null;
				}
				if (parts.length == 6 && method.equals(RequestMethod.GET)) {
					return new Call(Operation.STATUS, parts[3], parts[5]);
				}
				String sessionId = JSON.readTree(request.getBodyAsString()).path("session_id").asString();
				if (parts.length == 5 && method.equals(RequestMethod.POST)) {
					return new Call(Operation.CREATE, parts[3], sessionId);
				}
				if (parts.length == 5 && method.equals(RequestMethod.DELETE)) {
					return new Call(Operation.END, parts[3], sessionId);
				}
				return null;
			}
			String account = ProviderStub.this.konproAccount;
			if (path.equals("/v1/widget/sessions") && method.equals(RequestMethod.POST)) {
				return new Call(Operation.CREATE, account, null);
			}
			if (path.startsWith("/v1/widget/sessions/")) {
				String sessionId = path.substring("/v1/widget/sessions/".length());
				if (method.equals(RequestMethod.DELETE)) {
					return new Call(Operation.END, account, sessionId);
				}
				if (method.equals(RequestMethod.GET)) {
					return new Call(Operation.STATUS, account, sessionId);
				}
			}
			return null;
		}

		/** Carries the request out and answers as the healthy provider would. */
		private ResponseDefinitionBuilder act(Call call) {
			Set<String> live = ProviderStub.this.live;
			return switch (call.operation()) {
				case CREATE -> {
					if (ProviderStub.this.pathors) {
						if (!live.add(call.scope() + "/" + call.sessionId())) {
							yield error(409, "Session already exists");
						}
						yield json(201, "{\"sessionId\":\"" + call.sessionId() + "\",\"pathwayId\":\"pw-1\"}");
					}
					String id = "ws_" + (++ProviderStub.this.konproIds);
					live.add(call.scope() + "/" + id);
					yield json(200, "{\"data\":{\"session_token\":\"tok_" + id + "\",\"session_id\":\"" + id
							+ "\",\"expires_in\":3600,\"websocket_url\":\"wss://stub/ws\"},\"meta\":{}}");
				}
				case END -> {
					boolean removed = live.remove(call.scope() + "/" + call.sessionId());
					if (ProviderStub.this.pathors) {
						// newer docs: success whether or not the session was active
						yield json(200, "{\"success\":true,\"sessionId\":\"" + call.sessionId()
								+ "\",\"message\":\"Session ended\"}");
					}
					yield removed ? json(200, "{\"message\":\"Session terminated successfully\",\"session_id\":\""
							+ call.sessionId() + "\"}") : error(404, "Session not found");
				}
				case STATUS -> live.contains(call.scope() + "/" + call.sessionId())
						? json(200, "{\"sessionId\":\"" + call.sessionId() + "\",\"status\":\"active\"}")
						: error(404, "Session not found");
			};
		}

		private ResponseDefinitionBuilder fault(Answer answer, @Nullable ResponseDefinitionBuilder acted) {
			return switch (answer) {
				case HTTP_500 -> closing(error(500, "Internal error"));
				case HTTP_502 -> closing(WireMock.aResponse()
					.withStatus(502)
					.withHeader("Content-Type", "text/html")
					.withBody("<html><body>502 Bad Gateway</body></html>"));
				case HTTP_503 -> closing(error(503, "Service unavailable").withHeader("Retry-After", "1"));
				case HTTP_429 -> closing(error(429, "Rate limit exceeded").withHeader("Retry-After", "1"));
				case RESET -> WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
				case EMPTY_RESPONSE -> WireMock.aResponse().withFault(Fault.EMPTY_RESPONSE);
				case MALFORMED_CHUNK -> WireMock.aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK);
				case RANDOM_DATA -> WireMock.aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE);
				case LATE, LANDS_LATE ->
					closing((acted != null) ? acted : error(500, "Internal error")).withFixedDelay(LATE_MILLIS);
			};
		}

		private ResponseDefinitionBuilder error(int status, String message) {
			String body = ProviderStub.this.pathors ? "{\"error\":{\"message\":\"" + message + "\"}}"
					: "{\"error\":{\"code\":\"" + konproCode(status) + "\",\"message\":\"" + message
							+ "\"},\"request_id\":\"req-1\"}";
			return json(status, body);
		}

		private static String konproCode(int status) {
			return switch (status) {
				case 404 -> "RESOURCE_NOT_FOUND";
				case 429 -> "RATE_LIMIT_EXCEEDED";
				case 503 -> "SERVICE_UNAVAILABLE";
				default -> "PROCESSING_ERROR";
			};
		}

		private static ResponseDefinitionBuilder json(int status, String body) {
			return WireMock.aResponse()
				.withStatus(status)
				.withHeader("Content-Type", "application/json")
				.withBody(body);
		}

		private static ResponseDefinitionBuilder closing(ResponseDefinitionBuilder answer) {
			return answer.withHeader("Connection", "close");
		}

	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

}
