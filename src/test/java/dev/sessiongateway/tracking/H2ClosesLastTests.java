package dev.sessiongateway.tracking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which URLs get H2's close at JVM exit turned off: embedded H2 databases that do not set
 * it themselves.
 */
class H2ClosesLastTests {

	@Test
	void anEmbeddedH2DatabaseIsClosedByTheGateway() {
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:h2:file:./data/session-gateway"))
			.isEqualTo("jdbc:h2:file:./data/session-gateway;DB_CLOSE_ON_EXIT=FALSE");
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:h2:./data/g;WRITE_DELAY=0"))
			.isEqualTo("jdbc:h2:./data/g;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:h2:mem:tests;DB_CLOSE_DELAY=-1"))
			.isEqualTo("jdbc:h2:mem:tests;DB_CLOSE_DELAY=-1;DB_CLOSE_ON_EXIT=FALSE");
	}

	@Test
	void aUrlThatSaysHowItClosesAndEveryOtherDatabaseAreLeftAsTheyAre() {
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:h2:file:./data/g;db_close_on_exit=TRUE"))
			.isEqualTo("jdbc:h2:file:./data/g;db_close_on_exit=TRUE");
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:h2:tcp://db:9092/gateway"))
			.isEqualTo("jdbc:h2:tcp://db:9092/gateway");
		assertThat(H2ClosesLast.closedByTheGateway("jdbc:postgresql://db:5432/gateway"))
			.isEqualTo("jdbc:postgresql://db:5432/gateway");
	}

}
