package dev.sessiongateway.tracking;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every background scan is keyed by an index: on a table of 300,000 rows, PostgreSQL
 * plans each claim query as an index scan that stops at its batch, never a full scan.
 */
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(EmbeddedPostgresConfiguration.class)
class PostgresScanPlanTests extends LedgerTestSupport {

	private static final String NOW = "timestamptz '2026-11-23 12:00:00+00'";

	@Test
	void eachScanIsAnIndexScanBoundedByItsBatch() {
		this.jdbc.update("""
				insert into tracked_session (provider, scope, session_id, live_key, status, client, created_at,
				    updated_at, expires_at, ended_at, next_attempt_at, ending_since, last_checked_at, attempts, version)
				select case when i % 2 = 0 then 'pathors' else 'konpro' end, 'scope', 's-' || i,
				    case when i % 100 < 12 then 'k-' || i end,
				    case when i % 100 < 8 then 'ACTIVE' when i % 100 < 10 then 'ENDING'
				         when i % 100 < 12 then 'OPENING' when i % 100 < 14 then 'FAILED'
				         when i % 100 < 16 then 'EXPIRED' else 'ENDED' end,
				    'svc', %1$s - (i %% 10000) * interval '1 minute', %1$s,
				    case when i %% 2 = 1 then %1$s + (i %% 500) * interval '1 minute' end,
				    case when i %% 100 >= 12 then %1$s - (i %% 5000) * interval '1 minute' end,
				    %1$s + (i %% 300) * interval '1 second', %1$s - (i %% 60) * interval '1 minute',
				    %1$s - (i %% 7000) * interval '1 minute', 0, 0
				from generate_series(1, 300000) as i""".replace("%1$s", NOW).replace("%%", "%"));
		this.jdbc.execute("analyze tracked_session");
		List<Scan> scans = List.of(new Scan(SessionStore.DUE_ENDS, "ix_tracked_session_due", NOW, 20),
				new Scan(SessionStore.PAST_RETENTION, "ix_tracked_session_ended", "'ENDED'",
						NOW + " - interval '30 days'", 500),
				new Scan(SessionStore.UNCHECKED, "ix_tracked_session_checked", NOW + " - interval '1 hour'", 10),
				new Scan(SessionUpkeep.ABANDONED_OPENS, "ix_tracked_session_age", "'pathors'",
						NOW + " - interval '2 minutes'", 100),
				new Scan(SessionUpkeep.OVER_AGE, "ix_tracked_session_age", "'konpro'", NOW + " - interval '24 hours'",
						100),
				new Scan(SessionUpkeep.PAST_EXPIRY, "ix_tracked_session_expiry", NOW, 100));
		scans.forEach((scan) -> {
			String query = scan.query();
			List<Object> args = List.of(scan.args());
			String sql = query;
			for (Object arg : args) {
				sql = sql.replaceFirst("\\?", java.util.regex.Matcher.quoteReplacement(arg.toString()));
			}
			String plan = String.join("\n", this.jdbc.queryForList("explain " + sql, String.class));
			assertThat(plan).as(sql + "\n" + plan)
				.contains("Index Scan using " + scan.index())
				.doesNotContain("Seq Scan")
				.doesNotContain("Sort")
				.contains("Limit");
		});
	}

	private record Scan(String query, String index, Object... args) {
	}

}
