package dev.sessiongateway.tracking;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * The usage contract on a real PostgreSQL server, started embedded: two writers commit
 * groups at once there, so counts that many transactions add to are tested for lost and
 * doubled increments, and for deadlocks.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresUsageTests extends UsageContract {

}
