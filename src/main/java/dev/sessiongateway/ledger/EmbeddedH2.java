package dev.sessiongateway.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

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

	/**
	 * Opens the pool's H2 URL as above; refuses a file an earlier version left journal
	 * segments beside (see {@link JournalLeftException}).
	 */
	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
			Path file = file(pool.getJdbcUrl());
			List<Path> left = (file != null) ? journalLeftBeside(file) : List.of();
			if (!left.isEmpty()) {
				throw new JournalLeftException(left);
			}
			pool.setJdbcUrl(opened(pool.getJdbcUrl()));
		}
		return bean;
	}

	/**
	 * An earlier version of the gateway kept a redo journal beside the H2 file and
	 * replayed it at start-up; this one does not. Segments that are not empty may hold
	 * sessions the file lacks (the old version was killed), so the gateway does not start
	 * on them.
	 */
	static final class JournalLeftException extends IllegalStateException {

		JournalLeftException(List<Path> segments) {
			super("ledger journal segments of an earlier version are beside the H2 file: " + segments);
		}

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

	/**
	 * The database file's base path an embedded H2 file URL names (without H2's
	 * {@code .mv.db}), or null for any other URL.
	 */
	static @Nullable Path file(String url) {
		if (!isFile(url)) {
			return null;
		}
		String rest = url.substring(8);
		if (rest.regionMatches(true, 0, "file:", 0, 5)) {
			rest = rest.substring(5);
		}
		int settings = rest.indexOf(';');
		rest = (settings >= 0) ? rest.substring(0, settings) : rest;
		return Path.of(rest.startsWith("~") ? System.getProperty("user.home") + rest.substring(1) : rest);
	}

	/**
	 * Journal segments an earlier version of the gateway left beside this H2 file
	 * ({@code <file>.journal-<n>}, not empty): what they hold may be missing from the
	 * file, and this version does not replay them.
	 */
	static List<Path> journalLeftBeside(Path file) {
		Path directory = (file.toAbsolutePath().getParent() != null) ? file.toAbsolutePath().getParent() : Path.of(".");
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		String prefix = file.getFileName() + ".journal-";
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((each) -> each.getFileName().toString().startsWith(prefix)).filter((each) -> {
				try {
					return Files.size(each) > 0;
				}
				catch (IOException ex) {
					return true;
				}
			}).sorted().toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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
