package dev.sessiongateway.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How an embedded H2 URL is opened: durable on a file, and closed by the gateway, unless
 * the URL says otherwise; every other database is left as it is.
 */
class EmbeddedH2Tests {

	@Test
	void anEmbeddedH2FileWritesEveryCommitAndIsClosedByTheGateway() {
		assertThat(EmbeddedH2.opened("jdbc:h2:file:./data/session-gateway"))
			.isEqualTo("jdbc:h2:file:./data/session-gateway;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
		assertThat(EmbeddedH2.opened("jdbc:h2:./data/g;WRITE_DELAY=0"))
			.isEqualTo("jdbc:h2:./data/g;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
		assertThat(EmbeddedH2.opened("jdbc:h2:mem:tests;DB_CLOSE_DELAY=-1"))
			.isEqualTo("jdbc:h2:mem:tests;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
	}

	@Test
	void aUrlThatSaysHowItWritesOrClosesAndEveryOtherDatabaseAreLeftAsTheyAre() {
		assertThat(EmbeddedH2.opened("jdbc:h2:file:./data/g;db_close_on_exit=TRUE;write_delay=500"))
			.isEqualTo("jdbc:h2:file:./data/g;db_close_on_exit=TRUE;write_delay=500");
		assertThat(EmbeddedH2.opened("jdbc:h2:tcp://db:9092/gateway")).isEqualTo("jdbc:h2:tcp://db:9092/gateway");
		assertThat(EmbeddedH2.opened("jdbc:postgresql://db:5432/gateway"))
			.isEqualTo("jdbc:postgresql://db:5432/gateway");
	}

	@Test
	void journalSegmentsAnEarlierVersionLeftAreFoundBesideTheirFileUnlessEmpty(@TempDir Path directory)
			throws IOException {
		Path file = directory.resolve("session-gateway");
		Files.write(directory.resolve("session-gateway.journal-000007"), new byte[] { 1, 2, 3 });
		Files.write(directory.resolve("session-gateway.journal-000008"), new byte[0]);
		Files.write(directory.resolve("other.journal-000001"), new byte[] { 1 });

		assertThat(EmbeddedH2.journalLeftBeside(file))
			.containsExactly(directory.resolve("session-gateway.journal-000007"));
		assertThat(EmbeddedH2.file("jdbc:h2:file:" + file + ";WRITE_DELAY=0")).isEqualTo(file);
		assertThat(EmbeddedH2.file("jdbc:h2:mem:x")).isNull();
	}

}
