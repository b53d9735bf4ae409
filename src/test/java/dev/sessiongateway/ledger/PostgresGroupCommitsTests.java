package dev.sessiongateway.ledger;

import java.io.IOException;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Group commits on a real PostgreSQL, started embedded, where a failed statement aborts
 * its whole transaction unless it is rolled back to a savepoint.
 */
class PostgresGroupCommitsTests extends GroupCommitsContract {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startPostgres() throws IOException {
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopPostgres() throws IOException {
		postgres.close();
	}

	@Override
	DataSource dataSource() {
		return postgres.getPostgresDatabase();
	}

	@Override
	int writers() {
		return GroupCommits.WRITERS;
	}

}
