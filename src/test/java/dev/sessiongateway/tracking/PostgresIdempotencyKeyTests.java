package dev.sessiongateway.tracking;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * The idempotency key contract on a real PostgreSQL server, started embedded.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresIdempotencyKeyTests extends IdempotencyKeyContract {

}
