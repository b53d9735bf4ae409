package dev.sessiongateway.tracking;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's own transactions: plain JDBC on the application's data source, with no JPA
 * persistence context to open per transaction (the ledger writes with
 * {@link SessionRows}), and savepoints for the units that share a group commit.
 */
@Component
class LedgerTransactions {

	private final TransactionTemplate template;

	LedgerTransactions(DataSource dataSource) {
		this.template = new TransactionTemplate(new Manager(dataSource, this));
	}

	/** Runs in every transaction of the ledger. */
	TransactionTemplate template() {
		return this.template;
	}

	/**
	 * Called as each transaction begins, before it takes a connection (a test makes it
	 * fail as a database that cannot be reached does).
	 */
	void beginning() {
	}

	private static final class Manager extends DataSourceTransactionManager {

		private final transient LedgerTransactions owner;

		Manager(DataSource dataSource, LedgerTransactions owner) {
			super(dataSource);
			this.owner = owner;
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			this.owner.beginning();
			super.doBegin(transaction, definition);
		}

	}

}
