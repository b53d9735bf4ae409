package dev.sessiongateway.tracking;

import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The ledger's transactions, which a test can make fail to start, as they do when the
 * database is down or the connection pool stays exhausted past its wait.
 */
class FlakyTransactions extends LedgerTransactions {

	private final AtomicInteger failures = new AtomicInteger();

	FlakyTransactions(DataSource dataSource) {
		super(dataSource);
	}

	/** The next {@code count} transactions fail to start. */
	void failNext(int count) {
		this.failures.set(count);
	}

	@Override
	void beginning() {
		if (this.failures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new CannotCreateTransactionException(
					"Could not open JDBC Connection for transaction: Connection is not available, request timed out");
		}
	}

}
