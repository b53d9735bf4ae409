package dev.sessiongateway.tracking;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * The tracking contract on a real PostgreSQL server, started embedded for the tests.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresSessionTrackingTests extends SessionTrackingContract {

}
