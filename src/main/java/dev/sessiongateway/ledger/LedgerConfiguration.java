package dev.sessiongateway.ledger;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The ledger on the application's data source, and the order in which an embedded H2
 * database is opened and closed.
 */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

	@Bean
	static EmbeddedH2 embeddedH2() {
		return new EmbeddedH2();
	}

	@Bean
	Ledger ledger(DataSource dataSource, MeterRegistry meters) {
		Ledger ledger = new Ledger(dataSource, new DataSourceTransactionManager(dataSource), onH2(dataSource));
		Gauge.builder("gateway.ledger.waiting", ledger, Ledger::waiting)
			.description("Units of work waiting for a group commit of the session ledger")
			.register(meters);
		return ledger;
	}

	/**
	 * Whether the database is H2: read from the pool's configured URL, so that a database
	 * that cannot be reached at this moment is not taken for another kind; another data
	 * source (an embedded test database) is asked over a connection, and one that cannot
	 * be reached fails the start.
	 */
	static boolean onH2(DataSource dataSource) {
		String url = (dataSource instanceof HikariDataSource pool) ? pool.getJdbcUrl() : null;
		if (url == null) {
			try (Connection connection = dataSource.getConnection()) {
				url = connection.getMetaData().getURL();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("the ledger's database could not be reached to learn what it is", ex);
			}
		}
		return url.regionMatches(true, 0, "jdbc:h2:", 0, 8);
	}

}
