package dev.sessiongateway.ops;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.sessiongateway.tracking.SessionStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CSV fields are quoted where RFC 4180 needs it, and texts a spreadsheet would run as a
 * formula are defused.
 */
class SessionCsvTests {

	@Test
	void plainValuesAreWrittenAsTheyAre() {
		assertThat(SessionCsv.field("chat-001")).isEqualTo("chat-001");
		assertThat(SessionCsv.field(42L)).isEqualTo("42");
		assertThat(SessionCsv.field(SessionStatus.ACTIVE)).isEqualTo("ACTIVE");
		assertThat(SessionCsv.field(Instant.parse("2026-12-01T09:00:00Z"))).isEqualTo("2026-12-01T09:00:00Z");
		assertThat(SessionCsv.field(null)).isEmpty();
	}

	@Test
	void commasQuotesAndLineBreaksAreQuoted() {
		assertThat(SessionCsv.field("a,b")).isEqualTo("\"a,b\"");
		assertThat(SessionCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
		assertThat(SessionCsv.field("line one\nline two")).isEqualTo("\"line one\nline two\"");
		assertThat(SessionCsv.field("cr\rlf")).isEqualTo("\"cr\rlf\"");
	}

	@Test
	void textsThatWouldRunAsFormulasAreDefused() {
		assertThat(SessionCsv.field("=1+1")).isEqualTo("'=1+1");
		assertThat(SessionCsv.field("+31 20 123")).isEqualTo("'+31 20 123");
		assertThat(SessionCsv.field("-2")).isEqualTo("'-2");
		assertThat(SessionCsv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
		assertThat(SessionCsv.field("\tcmd")).isEqualTo("'\tcmd");
		assertThat(SessionCsv.field("=HYPERLINK(\"http://x\",\"y\")"))
			.isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
		assertThat(SessionCsv.field("a=b")).isEqualTo("a=b");
	}

	@Test
	void theDescribedExampleIsWhatAnExportOfItsSessionHolds() throws IOException {
		SessionView view = new SessionView(1, "pathors", "demo-project", "chat-001", SessionStatus.ACTIVE,
				"demo-service", Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T09:00:01Z"), null,
				null, null, "pw_7c1e", 0, null, null, null, null, null, "ls_Xq3vC0mT8pLr2aYb5nKd1w",
				Instant.parse("2026-12-01T09:00:31Z"), null);
		StringWriter out = new StringWriter();
		try (SessionCsv csv = new SessionCsv(out)) {
			csv.header();
			csv.row(view);
		}
		assertThat(SessionCsv.example("pathors")).isEqualTo(out.toString());
		assertThat(out.toString()).startsWith(SessionCsv.HEADER);
	}

	@Test
	void theHeaderNamesEveryFieldOfTheViewButItsHistory() throws IOException {
		StringWriter out = new StringWriter();
		try (SessionCsv csv = new SessionCsv(out)) {
			csv.header();
		}
		String[] expected = java.util.Arrays.stream(SessionView.class.getRecordComponents())
			.map(java.lang.reflect.RecordComponent::getName)
			.filter((name) -> !name.equals("history"))
			.toArray(String[]::new);
		assertThat(out.toString()).isEqualTo(String.join(",", expected) + "\r\n");
	}

}
