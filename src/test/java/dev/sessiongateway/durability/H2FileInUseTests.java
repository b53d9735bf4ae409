package dev.sessiongateway.durability;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An H2 database file belongs to one process: a second gateway started on the file a
 * running one holds fails at once, saying why, and the first goes on.
 */
class H2FileInUseTests {

	private static final Path WORK = Path.of("target", "durability").toAbsolutePath();

	@Test
	void aSecondGatewayOnTheSameH2FileFailsAtOnceSayingWhy() throws Exception {
		Path directory = WORK.resolve("in-use-h2-" + System.currentTimeMillis());
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			GatewayProcess first = gateways.start("first", GatewayProcess.settings(stub.baseUrl(0)))
				.awaitReady(Duration.ofMinutes(2));
			assertThat(first.open("proj-in-use", "u1")).isEqualTo(201);

			GatewayProcess second = gateways.start("second", GatewayProcess.settings(stub.baseUrl(0)));
			long started = System.nanoTime();
			int exit = second.awaitExit(Duration.ofMinutes(1));

			String output = second.output();
			assertThat(exit).as(output).isNotZero();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("failed at once")
				.isLessThan(Duration.ofSeconds(30));
			assertThat(output).contains("The H2 database file is in use by another process")
				.contains("point every replica at one PostgreSQL");
			assertThat(output.lines().filter((line) -> line.matches("\\s+at .*"))).as("no stack frames").isEmpty();
			assertThat(first.open("proj-in-use", "u2")).as("the first gateway goes on").isEqualTo(201);
		}
	}

	@Test
	void aGatewayDoesNotStartBesideJournalSegmentsAnEarlierVersionLeft() throws Exception {
		Path directory = WORK.resolve("journal-left-h2-" + System.currentTimeMillis());
		java.nio.file.Files.createDirectories(directory.resolve("data"));
		java.nio.file.Files.write(directory.resolve("data/session-gateway.journal-000003"), new byte[] { 1, 2, 3 });
		try (PathorsStub stub = PathorsStub.start(1); Gateways gateways = new Gateways(directory)) {
			GatewayProcess gateway = gateways.start("after-upgrade", GatewayProcess.settings(stub.baseUrl(0)));

			int exit = gateway.awaitExit(Duration.ofMinutes(1));

			String output = gateway.output();
			assertThat(exit).as(output).isNotZero();
			assertThat(output).contains("journal segments beside it that an earlier version of the gateway left")
				.contains("session-gateway.journal-000003")
				.contains("stop it with SIGTERM");
		}
	}

}
