package dev.sessiongateway.upstream;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Hands out each provider's request budget. On PostgreSQL the budget is the whole
 * deployment's: every replica takes from one bucket kept in the {@code rate_bucket} table
 * (a provider plan may allow as little as 10 requests a minute, not 10 per replica). On
 * the H2 default there is one process, so the bucket is held in memory. The same holds
 * for the parts of a budget that put ends first ({@link RequestBudget}).
 */
@Component
public class RequestBudgets {

	private static final Logger log = LoggerFactory.getLogger(RequestBudgets.class);

	private final @Nullable ProxyManager<String> shared;

	public RequestBudgets(DataSource dataSource) {
		this.shared = isPostgres(dataSource) ? Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.primaryKeyMapper(PrimaryKeyMapper.STRING)
			.table("rate_bucket")
			.build() : null;
	}

	/** Budgets held in this process only. */
	public static RequestBudgets local() {
		return new RequestBudgets();
	}

	private RequestBudgets() {
		this.shared = null;
	}

	/** Whether budgets are shared by every replica. */
	public boolean isShared() {
		return this.shared != null;
	}

	/**
	 * The budget of one provider, all of it for any call; 0 or less means no limit.
	 */
	public RequestBudget budget(String provider, int perMinute) {
		return budget(provider, BudgetSplit.of(perMinute, 0, Map.of()));
	}

	/**
	 * The budget of one provider, divided so that ends come first; a budget of 0 or less
	 * means no limit.
	 */
	public RequestBudget budget(String provider, BudgetSplit split) {
		if (split.perMinute() <= 0) {
			return RequestBudget.unlimited();
		}
		if (this.shared == null) {
			return RequestBudget.local(split);
		}
		ProxyManager<String> shared = this.shared;
		log.info("the {} request budget ({} a minute, {} of them for opens and reads) is shared by every replica "
				+ "through the database", provider, split.perMinute(), split.nonEnds());
		return RequestBudget.of(split,
				(key, perMinute) -> shared.builder().build(key, () -> RequestBudget.configuration(perMinute)),
				provider + ":" + split.perMinute());
	}

	private static boolean isPostgres(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData()
				.getDatabaseProductName()
				.toLowerCase(java.util.Locale.ROOT)
				.contains("postgres");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the database could not be reached to set up the request budgets", ex);
		}
	}

}
