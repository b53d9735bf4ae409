package dev.sessiongateway.tracking;

import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * An embedded H2 database (a file, or in memory) is closed by the gateway, after the last
 * request of a graceful stop and the journal's last checkpoint, not by H2's own hook as
 * soon as the JVM begins to exit: on such a URL that does not say otherwise,
 * {@code DB_CLOSE_ON_EXIT=FALSE} is added. The pool's close then closes the database.
 */
final class H2ClosesLast implements BeanPostProcessor {

	static final String SETTING = "DB_CLOSE_ON_EXIT";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
			pool.setJdbcUrl(closedByTheGateway(pool.getJdbcUrl()));
		}
		return bean;
	}

	/** The URL, with H2's close at JVM exit turned off where it applies. */
	static String closedByTheGateway(String url) {
		boolean embedded = LedgerJournal.h2File(url) != null || url.regionMatches(true, 0, "jdbc:h2:mem:", 0, 12);
		if (!embedded || url.toUpperCase(Locale.ROOT).contains(SETTING)) {
			return url;
		}
		return url + ";" + SETTING + "=FALSE";
	}

}
