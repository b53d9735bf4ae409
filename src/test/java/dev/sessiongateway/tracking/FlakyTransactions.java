package dev.sessiongateway.tracking;

import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;

/**
 * The ledger's transactions, which a test can make fail to start, as they do when the
 * database is down or the connection pool stays exhausted past its wait.
 */
class FlakyTransactions extends DataSourceTransactionManager {

	private final AtomicInteger failures = new AtomicInteger();

	FlakyTransactions(DataSource dataSource) {
		super(dataSource);
	}

	/** The next {@code count} transactions fail to start. */
	void failNext(int count) {
		this.failures.set(count);
	}

	@Override
	protected void doBegin(Object transaction, TransactionDefinition definition) {
		if (this.failures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new CannotCreateTransactionException(
					"Could not open JDBC Connection for transaction: Connection is not available, request timed out");
		}
		super.doBegin(transaction, definition);
	}

}
