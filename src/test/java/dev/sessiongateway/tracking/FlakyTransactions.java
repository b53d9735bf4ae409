package dev.sessiongateway.tracking;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.persistence.EntityManagerFactory;

import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;

/**
 * JPA transactions that a test can make fail to start, as they do when the database is
 * down or the connection pool stays exhausted past its wait.
 */
class FlakyTransactions extends JpaTransactionManager {

	private final AtomicInteger failures = new AtomicInteger();

	FlakyTransactions(EntityManagerFactory entityManagerFactory) {
		super(entityManagerFactory);
	}

	/** The next {@code count} transactions fail to start. */
	void failNext(int count) {
		this.failures.set(count);
	}

	@Override
	protected void doBegin(Object transaction, TransactionDefinition definition) {
		if (this.failures.getAndUpdate((n) -> Math.max(0, n - 1)) > 0) {
			throw new CannotCreateTransactionException(
					"Could not open JPA EntityManager for transaction: Connection is not available, request timed out");
		}
		super.doBegin(transaction, definition);
	}

}
