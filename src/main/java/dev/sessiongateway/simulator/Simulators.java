package dev.sessiongateway.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Both simulators on one HTTP server, each with its demo key: Pathors under
 * {@value #PATHORS_PATH}, Konpro under {@value #KONPRO_PATH}, so that a gateway's base
 * URLs are {@code <server>/pathors} and {@code <server>/konpro}. The server is bound when
 * made and serves from {@link #start()} (a lifecycle of the context it belongs to) until
 * {@link #stop()}; sessions live in its memory.
 * <p>
 * {@link #serve} is the jar's {@value #MODE} mode: the simulators alone, for every
 * replica to share ({@code gateway.simulators.url}), so that no replica takes a session
 * opened through another for one the provider no longer knows.
 */
public final class Simulators implements SmartLifecycle, AutoCloseable {

	/** The first argument that starts the jar in its simulators mode. */
	public static final String MODE = "simulators";

	static final String PATHORS_PATH = "/pathors";

	static final String KONPRO_PATH = "/konpro";

	/** The developer key the simulated Pathors takes: a demo value, nothing real. */
	static final String PATHORS_KEY = "dk_demo_not_a_real_key";

	/** The key the simulated Konpro takes: a demo value, nothing real. */
	static final String KONPRO_KEY = "demo-konpro-not-a-real-key";

	private static final Log logger = LogFactory.getLog(Simulators.class);

	private final HttpServer server;

	private final PathorsSimulator pathors = new PathorsSimulator(0, PATHORS_KEY);

	private final KonproSimulator konpro = new KonproSimulator(0, KONPRO_KEY);

	private @Nullable ExecutorService threads;

	private boolean running;

	private boolean closed;

	private Simulators(HttpServer server) {
		this.server = server;
		server.createContext(PATHORS_PATH + "/", this.pathors::exchange);
		server.createContext(KONPRO_PATH + "/", this.konpro::exchange);
		server.createContext("/", Simulators::notFound);
	}

	/**
	 * Serves the simulators alone, at {@code gateway.simulators.address} and
	 * {@code gateway.simulators.port} (127.0.0.1:8090 unless set), until the process is
	 * stopped.
	 * @param args the command line after {@value #MODE}, as Spring Boot reads it
	 * @return the running context; closing it stops the simulators
	 */
	public static ConfigurableApplicationContext serve(String... args) {
		SpringApplication application = new SpringApplication(Serving.class);
		application.setMainApplicationClass(Simulators.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setInitializers(application.getInitializers()
			.stream()
			.filter((initializer) -> !(initializer instanceof SimulatedProviders))
			.toList());
		return application.run(args);
	}

	/**
	 * Binds the server to an address and port (0: any free port); it answers once
	 * started.
	 * @throws UncheckedIOException when the port cannot be bound
	 */
	static Simulators bind(String address, int port) {
		try {
			return new Simulators(HttpServer.create(new InetSocketAddress(address, port), 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot bind the simulators to " + address + ":" + port, ex);
		}
	}

	/** The port the server is bound to. */
	int port() {
		return this.server.getAddress().getPort();
	}

	/** Where the server listens: {@code http://address:port}. */
	String baseUrl() {
		InetSocketAddress address = this.server.getAddress();
		String host = address.getHostString();
		return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	PathorsSimulator pathors() {
		return this.pathors;
	}

	KonproSimulator konpro() {
		return this.konpro;
	}

	@Override
	public synchronized void start() {
		if (this.running || this.closed) {
			return;
		}
		ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
		this.server.setExecutor(virtualThreads);
		this.server.start();
		this.threads = virtualThreads;
		this.running = true;
	}

	/** Stops serving and frees the port; a stopped server does not serve again. */
	@Override
	public synchronized void stop() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.running) {
			logger.info("Simulated Pathors and Konpro stopped; the sessions they held are gone");
		}
		this.running = false;
		this.server.stop(0);
		ExecutorService virtualThreads = this.threads;
		if (virtualThreads != null) {
			virtualThreads.close();
		}
	}

	@Override
	public void close() {
		stop();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	/**
	 * Starts before and stops after everything of the default phase, the web server and
	 * the background work included: nothing calls a simulator that is not there.
	 */
	@Override
	public int getPhase() {
		return 0;
	}

	/**
	 * The simulators mode's application: its settings and the simulators, nothing of the
	 * gateway.
	 */
	@EnableConfigurationProperties(SimulatorProperties.class)
	static class Serving {

		@Bean
		Simulators simulators(SimulatorProperties settings) {
			Simulators simulators = bind(settings.address(),
					(settings.port() != null) ? settings.port() : SimulatorProperties.SERVING_PORT);
			logger.info("Serving simulated Pathors at " + simulators.baseUrl() + PATHORS_PATH + " and Konpro at "
					+ simulators.baseUrl() + KONPRO_PATH + " with demo keys, for gateways started with "
					+ "GATEWAY_SIMULATORS_ENABLED=true and GATEWAY_SIMULATORS_URL=http://<this host>:"
					+ simulators.port());
			return simulators;
		}

	}

	private static void notFound(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = ("{\"error\":{\"message\":\"Not found: the simulated Pathors is under " + PATHORS_PATH
					+ ", Konpro under " + KONPRO_PATH + "\"}}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(404, body.length);
			exchange.getResponseBody().write(body);
		}
	}

}
