package dev.sessiongateway.tracking;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * Background work on a real PostgreSQL server, started embedded for the tests.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresSessionUpkeepTests extends SessionUpkeepContract {

}
