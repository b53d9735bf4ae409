package dev.sessiongateway.ops;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.SessionStatus;

/**
 * Writes session views as CSV (RFC 4180): a header row, then one row per session with the
 * fields of the JSON view but its history. A text that a spreadsheet would run as a
 * formula (starting with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage
 * return) is written with a leading {@code '}, so that opening an export never runs what
 * a caller put in a session id or an error.
 */
final class SessionCsv implements Closeable {

	static final String MEDIA_TYPE = "text/csv";

	/**
	 * The header of an export, as the API description shows it until
	 * {@link #example(String)} fills in a session of a configured provider.
	 */
	static final String HEADER = "id,provider,scope,sessionId,status,client,createdAt,updatedAt,expiresAt,endedAt,"
			+ "endReason,pathwayId,attempts,lastError,nextAttemptAt,endingSince,flaggedAt,lastCheckedAt,lease,leaseExpiresAt\r\n";

	/** An export of one session of this provider, as the API description shows it. */
	static String example(String provider) {
		SessionView session = new SessionView(1, provider, "demo-project", "chat-001", SessionStatus.ACTIVE,
				"demo-service", Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T09:00:01Z"), null,
				null, null, "pw_7c1e", 0, null, null, null, null, null, "ls_Xq3vC0mT8pLr2aYb5nKd1w",
				Instant.parse("2026-12-01T09:00:31Z"), null);
		StringWriter out = new StringWriter();
		try (SessionCsv csv = new SessionCsv(out)) {
			csv.header();
			csv.row(session);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

	private static final List<Column> COLUMNS = List.of(new Column("id", SessionView::id),
			new Column("provider", SessionView::provider), new Column("scope", SessionView::scope),
			new Column("sessionId", SessionView::sessionId), new Column("status", SessionView::status),
			new Column("client", SessionView::client), new Column("createdAt", SessionView::createdAt),
			new Column("updatedAt", SessionView::updatedAt), new Column("expiresAt", SessionView::expiresAt),
			new Column("endedAt", SessionView::endedAt), new Column("endReason", SessionView::endReason),
			new Column("pathwayId", SessionView::pathwayId), new Column("attempts", SessionView::attempts),
			new Column("lastError", SessionView::lastError), new Column("nextAttemptAt", SessionView::nextAttemptAt),
			new Column("endingSince", SessionView::endingSince), new Column("flaggedAt", SessionView::flaggedAt),
			new Column("lastCheckedAt", SessionView::lastCheckedAt), new Column("lease", SessionView::lease),
			new Column("leaseExpiresAt", SessionView::leaseExpiresAt));

	private final Writer out;

	SessionCsv(Writer out) {
		this.out = out;
	}

	void header() throws IOException {
		line(COLUMNS.stream().map(Column::name).toList());
	}

	void row(SessionView session) throws IOException {
		line(COLUMNS.stream().map((column) -> field(column.value().apply(session))).toList());
	}

	/** Sends what is written so far: the reader gets each page as soon as it is read. */
	void flush() throws IOException {
		this.out.flush();
	}

	@Override
	public void close() throws IOException {
		this.out.close();
	}

	private void line(List<String> fields) throws IOException {
		this.out.write(String.join(",", fields));
		this.out.write("\r\n");
	}

	/**
	 * One field: empty for null, neutralised if it could run as a formula, quoted if need
	 * be.
	 */
	static String field(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		String text = value.toString();
		if (value instanceof CharSequence && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
			text = "'" + text;
		}
		if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
			return '"' + text.replace("\"", "\"\"") + '"';
		}
		return text;
	}

	private record Column(String name, Function<SessionView, @Nullable Object> value) {
	}

}
