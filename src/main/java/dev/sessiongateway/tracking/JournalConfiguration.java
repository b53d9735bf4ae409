package dev.sessiongateway.tracking;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ledger journal is replayed before schema migrations run (its records were written
 * against the schema as it was when the gateway stopped), and the database file is
 * written once after them, so that no journal record ever depends on a schema the file
 * does not hold. An embedded H2 database is closed by the gateway once it has stopped
 * ({@link H2ClosesLast}).
 */
@Configuration(proxyBeanMethods = false)
class JournalConfiguration {

	@Bean
	static H2ClosesLast h2ClosesLast() {
		return new H2ClosesLast();
	}

	@Bean
	FlywayMigrationStrategy replayTheLedgerJournalFirst(LedgerTransactions transactions) {
		return (flyway) -> {
			transactions.ensureReplayed();
			flyway.migrate();
			transactions.checkpointNow();
		};
	}

}
