package dev.sessiongateway.durability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateways one test started, in one folder: all are killed when the test ends, and
 * their output is printed when it fails.
 */
final class Gateways implements AutoCloseable {

	private final Path directory;

	private final List<GatewayProcess> started = new ArrayList<>();

	Gateways(Path directory) {
		this.directory = directory;
	}

	GatewayProcess start(String name, Map<String, String> settings) {
		GatewayProcess gateway = GatewayProcess.start(name, this.directory, settings);
		this.started.add(gateway);
		return gateway;
	}

	/** Prints every gateway's output to standard error. */
	void printOutput() {
		for (GatewayProcess gateway : this.started) {
			System.err.println("----- gateway " + gateway.name() + " (pid " + gateway.pid() + ") -----");
			System.err.println(gateway.output());
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (GatewayProcess gateway : this.started) {
			gateway.close();
		}
	}

}
