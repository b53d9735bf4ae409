package dev.sessiongateway.tracking;

import java.io.IOException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A real PostgreSQL server, started embedded for a test class.
 */
@TestConfiguration(proxyBeanMethods = false)
class EmbeddedPostgresConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedPostgres embeddedPostgres() throws IOException {
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
