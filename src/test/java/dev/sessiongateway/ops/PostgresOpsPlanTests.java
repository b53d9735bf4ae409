package dev.sessiongateway.ops;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.sessiongateway.ledger.Ledger;
import dev.sessiongateway.tracking.ClientLimits;
import dev.sessiongateway.tracking.SessionQueries;
import dev.sessiongateway.tracking.SessionSearch;
import dev.sessiongateway.tracking.SessionStatus;

import static dev.sessiongateway.tracking.SessionStatus.ACTIVE;
import static dev.sessiongateway.tracking.SessionStatus.ENDED;
import static dev.sessiongateway.tracking.SessionStatus.ENDING;
import static dev.sessiongateway.tracking.SessionStatus.EXPIRED;
import static dev.sessiongateway.tracking.SessionStatus.FAILED;
import static dev.sessiongateway.tracking.SessionStatus.OPENING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every filter of the ops listing, and every stats query, is keyed by an index on a
 * realistic table: 300,000 sessions of which 30,000 ACTIVE, spread over providers,
 * scopes, clients, statuses and two weeks. The statements asserted are the ones the
 * gateway sends, recorded at the JDBC driver with their parameters, and explained by
 * PostgreSQL with those parameters.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Import({ SessionQueries.class, PostgresOpsPlanTests.RecordingPostgres.class })
class PostgresOpsPlanTests {

	private static final int ROWS = 300_000;

	private static final int ACTIVE_ROWS = 30_000;

	@Autowired
	SessionQueries sessions;

	@Autowired
	Recorder recorder;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void eachFilterAndEachStatsQueryIsAnIndexScan() {
		load();
		Instant now = Instant.now();
		Instant sixHoursAgo = now.minus(Duration.ofHours(6));
		SessionQueries.Position deep = SessionQueries.Position
			.of(this.sessions.find(SessionSearch.inStatus(Set.of(ACTIVE)), null, 7500).getLast());

		assertListing("first page of ACTIVE", filter(null, null, Set.of(), null, null, null, null), null,
				"ix_tracked_session_status");
		assertListing("a deep page of ACTIVE", filter(null, null, Set.of(), null, null, null, null), deep,
				"ix_tracked_session_status");
		assertListing("provider", filter("konpro", null, Set.of(), null, null, null, null), null,
				"ix_tracked_session_(age|status)");
		assertListing("scope", filter(null, "proj-4", Set.of(), null, null, null, null), null,
				"ix_tracked_session_scope");
		assertListing("a scope without sessions", filter(null, "nowhere", Set.of(), null, null, null, null), null,
				"ix_tracked_session_scope");
		assertListing("client", filter(null, null, Set.of(), "batch-import", null, null, null), null,
				"ix_tracked_session_client");
		assertListing("provider and scope", filter("pathors", "proj-2", Set.of(), null, null, null, null), null,
				"ix_tracked_session_scope");
		assertListing("provider, scope and client",
				filter("pathors", "proj-5", Set.of(), "support-tool", null, null, null), null,
				"ix_tracked_session_(scope|client)");
		assertListing("session id", filter(null, null, Set.of(), null, "bench-" + (ROWS - 1), null, null), null,
				"ix_tracked_session_lookup");
		assertListing("provider, scope and session id, ENDED",
				filter("pathors", "proj-1", Set.of(ENDED), null, "bench-1001", null, null), null,
				"ix_tracked_session_lookup");
		assertListing("ENDED", filter(null, null, Set.of(ENDED), null, null, null, null), null,
				"ix_tracked_session_status");
		assertListing("FAILED and EXPIRED", filter(null, null, Set.of(FAILED, EXPIRED), null, null, null, null), null,
				"ix_tracked_session_status");
		assertListing("OPENING and ENDING", filter(null, null, Set.of(OPENING, ENDING), null, null, null, null), null,
				"ix_tracked_session_status");
		assertListing("created in the last 6 hours", filter(null, null, Set.of(), null, null, null, sixHoursAgo), null,
				"ix_tracked_session_status");
		assertListing(
				"ENDED, created 7 to 6 days ago", filter(null, null, Set.of(ENDED), null, null,
						now.minus(Duration.ofDays(6)), now.minus(Duration.ofDays(7))),
				null, "ix_tracked_session_status");
		assertListing("client, ENDED and FAILED, created in 3 days",
				filter(null, null, Set.of(ENDED, FAILED), "support-tool", null, null, now.minus(Duration.ofDays(3))),
				null, "ix_tracked_session_client");
		assertListing("provider, scope, client, created in 12 hours",
				filter("konpro", "acct-eu", Set.of(), "billing-service", null, null, now.minus(Duration.ofHours(12))),
				null, "ix_tracked_session_(scope|client)");

		assertStats("live counts", this.sessions::liveCounts);
		assertStats("live counts by client", this.sessions::liveCountsByClient);
		assertStats("oldest ACTIVE", this.sessions::oldestActiveCreatedAt);
		assertStats("ENDING backlog", () -> this.sessions.count(ENDING));
		assertStats("flagged ends", this.sessions::flaggedEnds);
	}

	private static SessionFilter filter(@Nullable String provider, @Nullable String scope, Set<SessionStatus> statuses,
			@Nullable String client, @Nullable String sessionId, @Nullable Instant createdBefore,
			@Nullable Instant createdAfter) {
		return new SessionFilter(provider, scope, statuses, client, sessionId, createdBefore, createdAfter);
	}

	private void assertListing(String name, SessionFilter filter, SessionQueries.@Nullable Position after,
			String index) {
		List<Recorded> statements = record(() -> this.sessions.find(filter.search(), after, 51));
		assertThat(statements).as(name).hasSize(filter.statuses().size());
		for (Recorded statement : statements) {
			String plan = explain(statement);
			assertThat(plan).as(name + "\n" + statement.sql() + "\n" + plan)
				.containsPattern("Index (Only )?Scan (using|on) " + index + " ")
				.doesNotContain("Seq Scan")
				.startsWith("Limit");
		}
	}

	private void assertStats(String name, Runnable query) {
		List<Recorded> statements = record(query);
		assertThat(statements).as(name).hasSize(1);
		String plan = explain(statements.getFirst());
		assertThat(plan).as(name + "\n" + statements.getFirst().sql() + "\n" + plan)
			.contains("Index")
			.doesNotContain("Seq Scan");
	}

	private List<Recorded> record(Runnable query) {
		this.recorder.statements.clear();
		this.recorder.recording = true;
		try {
			query.run();
		}
		finally {
			this.recorder.recording = false;
		}
		return this.recorder.statements.stream().filter((each) -> each.sql().contains("tracked_session")).toList();
	}

	private String explain(Recorded statement) {
		return this.jdbc.execute((Connection connection) -> {
			try (PreparedStatement explain = connection.prepareStatement("explain " + statement.sql())) {
				for (Call call : statement.parameters()) {
					call.method().invoke(explain, call.args());
				}
				List<String> lines = new ArrayList<>();
				try (ResultSet plan = explain.executeQuery()) {
					while (plan.next()) {
						lines.add(plan.getString(1).strip());
					}
				}
				return String.join("\n", lines);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private void load() {
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
		this.jdbc
			.update("""
					insert into tracked_session (provider, scope, session_id, live_key, status, client, created_at,
					    updated_at, ended_at, next_attempt_at, ending_since, flagged_at, last_checked_at, attempts, version)
					select provider, scope, sid,
					    case when status in ('OPENING', 'ACTIVE', 'ENDING')
					        then provider || ':' || length(scope) || ':' || scope || ':' || sid end,
					    status, client, created, created,
					    case when status in ('ENDED', 'EXPIRED', 'FAILED') then created + interval '10 minutes' end,
					    case when status = 'ENDING' then now() + interval '1 hour' end,
					    case when status = 'ENDING' then now() - interval '10 minutes' end,
					    case when status = 'ENDING' and i % 1000 = 0 then now() end,
					    now(), 0, 0
					from (
					    select i,
					        case when i % 7 < 5 then 'pathors' else 'konpro' end as provider,
					        case when i % 7 < 5
					            then (array['proj-1', 'proj-1', 'proj-1', 'proj-2', 'proj-2', 'proj-3', 'proj-3', 'proj-4',
					                        'proj-5', 'proj-6', 'proj-7'])[(i / 7) %% 11 + 1]
					            else (array['acct-main', 'acct-main', 'acct-eu'])[(i / 7) %% 3 + 1] end as scope,
					        'bench-' || i as sid,
					        (array['orders-service', 'orders-service', 'orders-service', 'orders-service', 'orders-service',
					               'orders-service', 'orders-service', 'billing-service', 'billing-service',
					               'billing-service', 'support-tool', 'support-tool', 'batch-import'])[i %% 13 + 1] as client,
					        case when i > %1$d - %2$d * 5 / 4
					            then case when i %% 5 <> 0 then 'ACTIVE' when i %% 500 = 0 then 'ENDING'
					                      when i %% 500 = 5 then 'OPENING' else 'ENDED' end
					            else case when i %% 50 = 0 then 'FAILED' when i %% 50 in (1, 2) then 'EXPIRED'
					                      else 'ENDED' end
					        end as status,
					        now() - (%1$d - i) * (interval '14 days' / %1$d) as created
					    from generate_series(1, %1$d) as i
					) as spread"""
				.replace("%1$d", Integer.toString(ROWS))
				.replace("%2$d", Integer.toString(ACTIVE_ROWS))
				.replace("%%", "%"));
		this.jdbc.execute("vacuum analyze tracked_session");
		assertThat(this.sessions.count(ACTIVE)).isEqualTo(ACTIVE_ROWS);
	}

	/** A statement the gateway ran, with the parameter setters it was given. */
	record Recorded(String sql, List<Call> parameters) {
	}

	record Call(Method method, Object[] args) {
	}

	/** Records the prepared statements run through the data source while asked to. */
	static final class Recorder {

		final List<Recorded> statements = new CopyOnWriteArrayList<>();

		volatile boolean recording;

		Connection wrap(Connection connection) {
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						Object result = call(method, connection, args);
						if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement prepared
								&& args[0] instanceof String sql) {
							return wrap(prepared, sql);
						}
						return result;
					});
		}

		private PreparedStatement wrap(PreparedStatement statement, String sql) {
			List<Call> parameters = new ArrayList<>();
			return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
					new Class<?>[] { PreparedStatement.class }, (proxy, method, args) -> {
						String name = method.getName();
						if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
							parameters.add(new Call(method, args.clone()));
						}
						else if (name.equals("clearParameters")) {
							parameters.clear();
						}
						else if (name.equals("executeQuery") && args == null && this.recording) {
							this.statements.add(new Recorded(sql, List.copyOf(parameters)));
						}
						return call(method, statement, args);
					});
		}

		private static @Nullable Object call(Method method, Object target, Object @Nullable [] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

	/** Embedded PostgreSQL behind a data source that records what is run on it. */
	@TestConfiguration(proxyBeanMethods = false)
	static class RecordingPostgres {

		@Bean(destroyMethod = "close")
		EmbeddedPostgres embeddedPostgres() throws IOException {
			return EmbeddedPostgres.builder().start();
		}

		@Bean
		Ledger ledger(DataSource dataSource) {
			return new Ledger(dataSource, new DataSourceTransactionManager(dataSource), false);
		}

		@Bean
		ClientLimits clientLimits() {
			return Map::of;
		}

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		DataSource dataSource(EmbeddedPostgres postgres, Recorder recorder) {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
			pool.setMaximumPoolSize(4);
			return new RecordingDataSource(pool, recorder);
		}

	}

	static final class RecordingDataSource extends DelegatingDataSource implements AutoCloseable {

		private final HikariDataSource pool;

		private final Recorder recorder;

		RecordingDataSource(HikariDataSource pool, Recorder recorder) {
			super(pool);
			this.pool = pool;
			this.recorder = recorder;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return this.recorder.wrap(super.getConnection());
		}

		@Override
		public void close() {
			this.pool.close();
		}

	}

}
