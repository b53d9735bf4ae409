package dev.sessiongateway.tracking;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The tracking contract on a real PostgreSQL server, started embedded for the tests.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(PostgresSessionTrackingTests.EmbeddedPostgresConfiguration.class)
class PostgresSessionTrackingTests extends SessionTrackingContract {

	@TestConfiguration(proxyBeanMethods = false)
	static class EmbeddedPostgresConfiguration {

		@Bean(destroyMethod = "close")
		EmbeddedPostgres embeddedPostgres() throws java.io.IOException {
			return EmbeddedPostgres.builder().start();
		}

		@Bean
		DataSource dataSource(EmbeddedPostgres postgres) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
			dataSource.setMaximumPoolSize(10);
			return dataSource;
		}

	}

}
