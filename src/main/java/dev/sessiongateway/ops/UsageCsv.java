package dev.sessiongateway.ops;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes usage as CSV (RFC 4180, the same fields as the JSON's {@code days}): a header
 * row, then one row per UTC day, client, provider and scope. Texts are written as
 * {@link SessionCsv#field(Object)} writes them, so that a scope a caller chose never runs
 * as a spreadsheet formula.
 */
final class UsageCsv {

	static final String HEADER = "day,client,provider,scope,opens,sessionSeconds\r\n";

	private UsageCsv() {
	}

	/** The rows, with their header. */
	static void write(Writer out, List<OpsUsageController.UsageRow> rows) throws IOException {
		out.write(HEADER);
		for (OpsUsageController.UsageRow row : rows) {
			out.write(String.join(",",
					List.of(SessionCsv.field(row.day()), SessionCsv.field(row.client()),
							SessionCsv.field(row.provider()), SessionCsv.field(row.scope()),
							SessionCsv.field(row.opens()), SessionCsv.field(row.sessionSeconds().toPlainString()))));
			out.write("\r\n");
		}
	}

	/** The rows as one text. */
	static String text(List<OpsUsageController.UsageRow> rows) {
		StringWriter out = new StringWriter();
		try {
			write(out, rows);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toString();
	}

}
