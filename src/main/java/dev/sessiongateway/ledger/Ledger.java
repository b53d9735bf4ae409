package dev.sessiongateway.ledger;

import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Short transactions on one database, in plain JDBC: a unit of work is committed in a
 * group with whatever other units wait at the same moment ({@link #commit}), or alone in
 * a transaction of its own ({@link #transaction}). Statements run through
 * {@link #jdbc()}, which takes part in whichever of these transactions the calling code
 * runs in. No transaction is ever open while the caller does anything but its statements.
 */
public final class Ledger implements DisposableBean {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final GroupCommits commits;

	/**
	 * @param dataSource the database
	 * @param transactions the transaction manager over that same data source
	 * @param onH2 whether the database is H2, where one writer commits the groups (two
	 * elsewhere)
	 */
	public Ledger(DataSource dataSource, DataSourceTransactionManager transactions, boolean onH2) {
		if (transactions.getDataSource() != dataSource) {
			throw new IllegalArgumentException("the transaction manager must run on the ledger's data source");
		}
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(transactions);
		this.commits = new GroupCommits(this.transactions, onH2 ? GroupCommits.H2_WRITERS : GroupCommits.WRITERS);
	}

	/**
	 * Statements on the ledger's database, in the transaction the calling code runs in.
	 */
	public JdbcTemplate jdbc() {
		return this.jdbc;
	}

	/**
	 * Runs a unit of work in a committed transaction shared with other units: it is
	 * answered once the commit is done. A unit that fails is rolled back alone.
	 * @return what the unit returned
	 * @throws RuntimeException what the unit threw, or why the transaction could not
	 * begin or commit
	 */
	public <T extends @Nullable Object> T commit(Supplier<T> unit) {
		return this.commits.run(unit);
	}

	/**
	 * Runs work in a transaction of its own, on the calling thread (a claim of rows with
	 * {@code for update skip locked}, say).
	 */
	public <T extends @Nullable Object> T transaction(Supplier<T> work) {
		return this.transactions.execute((status) -> work.get());
	}

	/** How many units wait for a writer now. */
	public int waiting() {
		return this.commits.waiting();
	}

	@Override
	public void destroy() throws InterruptedException {
		this.commits.destroy();
	}

}
