package dev.sessiongateway.ledger;

import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * An embedded H2 database (a file, or in memory) is opened durable and closed by the
 * gateway. On a file, every commit reaches the operating system before the caller is
 * answered ({@code WRITE_DELAY=0}, where the URL does not set it), so that a killed
 * process loses nothing it confirmed. The database is closed after the last request of a
 * graceful stop and the last group commit, not by H2's own hook as soon as the JVM begins
 * to exit ({@code DB_CLOSE_ON_EXIT=FALSE}, where the URL does not set it): the pool's
 * close then closes it.
 */
final class EmbeddedH2 implements BeanPostProcessor {

	static final String CLOSE_ON_EXIT = "DB_CLOSE_ON_EXIT";

	static final String WRITE_DELAY = "WRITE_DELAY";

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
			pool.setJdbcUrl(opened(pool.getJdbcUrl()));
		}
		return bean;
	}

	/** The URL with the settings above added where they apply and are not set. */
	static String opened(String url) {
		boolean file = isFile(url);
		if (!file && !url.regionMatches(true, 0, "jdbc:h2:mem:", 0, 12)) {
			return url;
		}
		String settings = url.toUpperCase(Locale.ROOT);
		StringBuilder opened = new StringBuilder(url);
		if (file && !settings.contains(";" + WRITE_DELAY + "=")) {
			opened.append(';').append(WRITE_DELAY).append("=0");
		}
		if (!settings.contains(";" + CLOSE_ON_EXIT + "=")) {
			opened.append(';').append(CLOSE_ON_EXIT).append("=FALSE");
		}
		return opened.toString();
	}

	/** Whether the URL names an embedded H2 file database (not a server, not memory). */
	static boolean isFile(String url) {
		if (!url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
			return false;
		}
		String rest = url.substring(8);
		if (rest.regionMatches(true, 0, "file:", 0, 5)) {
			rest = rest.substring(5);
		}
		int settings = rest.indexOf(';');
		rest = (settings >= 0) ? rest.substring(0, settings) : rest;
		return !rest.isBlank() && !rest.contains(":");
	}

}
