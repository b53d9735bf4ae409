package dev.sessiongateway.durability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.durability.PathorsStub.Mode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway on the H2 file it ships with, stopped as an orchestrator stops it (SIGTERM),
 * closes its database file and logs no warning: a warning at every stop teaches operators
 * to ignore warnings. What it confirmed is in the file, nothing is left beside it, and a
 * request in flight when the stop began is finished and recorded like any other.
 */
class GracefulStopTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	private static final Pattern WARNING = Pattern.compile("^\\S+\\s+(WARN|ERROR)\\s.*");

	private static final String PROJECT = "proj-stop";

	@Test
	void aStoppedGatewayWritesItsFileAndLogsNoWarning() throws Exception {
		Path directory = WORK.resolve("stop-h2-" + System.currentTimeMillis());
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			GatewayProcess gateway = started(gateways, stub);
			assertThat(gateway.open(PROJECT, "g1")).isEqualTo(201);
			assertThat(gateway.open(PROJECT, "g2")).isEqualTo(201);

			gateway.stop();

			String output = gateway.output();
			assertThat(output.lines().filter((line) -> WARNING.matcher(line).matches()).toList()).as(output).isEmpty();
			assertThat(filesBesideTheDatabase(directory.resolve("data"))).as("files left beside the database")
				.isEmpty();
			assertThat(inTheFile(directory).sessionIds("ACTIVE")).containsExactlyInAnyOrder("g1", "g2");
		}
	}

	@Test
	void aCreateInFlightWhenTheStopBeginsIsAnsweredAndRecorded() throws Exception {
		Path directory = WORK.resolve("stop-in-flight-h2-" + System.currentTimeMillis());
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			GatewayProcess gateway = started(gateways, stub);
			stub.creates(Mode.HOLD);
			CompletableFuture<Integer> answer = gateway.openAsync(PROJECT, "f1");
			assertThat(stub.awaitHeld("create", 1, Duration.ofSeconds(30))).hasSize(1);

			CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
				try {
					gateway.stop();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			// the JVM's shutdown hooks have run for a while when the provider answers
			Thread.sleep(1500);
			stub.release((call) -> true);
			stub.creates(Mode.ANSWER);
			stopped.join();

			String output = gateway.output();
			assertThat(answer.join()).as(output).isEqualTo(201);
			assertThat(inTheFile(directory).sessionIds("ACTIVE")).as(output).containsExactly("f1");
			assertThat(stub.live(PROJECT)).containsExactly("f1");
		}
	}

	/** A gateway on the H2 file it ships with, in the gateways' folder, ready. */
	private static GatewayProcess started(Gateways gateways, PathorsStub stub) throws InterruptedException {
		return gateways.start("stopped", GatewayProcess.settings(stub.baseUrl(0))).awaitReady(Duration.ofMinutes(2));
	}

	/** The ledger in the shipped H2 file under {@code directory}. */
	private static Ledger inTheFile(Path directory) throws SQLException {
		return Ledger.read("jdbc:h2:file:" + directory.resolve("data/session-gateway") + ";IFEXISTS=TRUE", "sa");
	}

	private static List<String> filesBesideTheDatabase(Path data) throws IOException {
		try (Stream<Path> files = Files.list(data)) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> !name.equals("session-gateway.mv.db"))
				.toList();
		}
	}

}
