package dev.sessiongateway.tracking;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * The events contract on a real PostgreSQL server, started embedded.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresEventOutboxTests extends EventOutboxContract {

}
