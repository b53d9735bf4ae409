package dev.sessiongateway.tracking;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger's own transactions: plain JDBC on the application's data source, with no JPA
 * persistence context to open per transaction (the ledger writes with
 * {@link SessionRows}), and savepoints for the units that share a group commit. On an H2
 * file database each transaction is made durable by the {@link LedgerJournal}
 * ({@code gateway.ledger.journal}, on by default), so that H2 may write its file in the
 * background; on other databases the commit itself is durable.
 */
@Component
class LedgerTransactions implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(LedgerTransactions.class);

	/** A segment is rotated at this size, or after {@link #CHECKPOINT_SECONDS}. */
	private static final long SEGMENT_LIMIT = 32L * 1024 * 1024;

	private static final long CHECKPOINT_SECONDS = 30;

	private static final Object ENTRY = new Object();

	private final DataSource dataSource;

	private final TransactionTemplate template;

	private final @Nullable LedgerJournal journal;

	private final boolean onH2;

	private @Nullable ScheduledExecutorService checkpoints;

	private volatile boolean replayed;

	private volatile long lastCheckpoint = System.nanoTime();

	@Autowired
	LedgerTransactions(DataSource dataSource, @Value("${gateway.ledger.journal:true}") boolean journal) {
		this.dataSource = dataSource;
		this.template = new TransactionTemplate(new Manager(dataSource, this));
		String url = url(dataSource);
		this.onH2 = url != null && url.regionMatches(true, 0, "jdbc:h2:", 0, 8);
		Path file = (journal && url != null) ? LedgerJournal.h2File(url) : null;
		this.journal = (file != null) ? new LedgerJournal(file, SEGMENT_LIMIT) : null;
	}

	LedgerTransactions(DataSource dataSource) {
		this(dataSource, true);
	}

	/** Runs in every transaction of the ledger. */
	TransactionTemplate template() {
		if (!this.replayed) {
			ensureReplayed();
		}
		return this.template;
	}

	/**
	 * Called as each transaction begins, before it takes a connection (a test makes it
	 * fail as a database that cannot be reached does).
	 */
	void beginning() {
	}

	/** Whether ledger transactions are made durable by the journal. */
	boolean journaled() {
		return this.journal != null;
	}

	/**
	 * Records a write of the current transaction in its journal entry; does nothing
	 * without a journal.
	 * @throws IllegalStateException with a journal, outside a ledger transaction (the
	 * write would not be durable)
	 */
	void journal(Consumer<JournalEntry> write) {
		if (this.journal == null) {
			return;
		}
		JournalEntry entry = (JournalEntry) TransactionSynchronizationManager.getResource(ENTRY);
		if (entry == null) {
			throw new IllegalStateException("a ledger write outside a ledger transaction");
		}
		write.accept(entry);
	}

	/** The current transaction's journal entry, if there is a journal. */
	@Nullable JournalEntry entry() {
		return (this.journal != null) ? (JournalEntry) TransactionSynchronizationManager.getResource(ENTRY) : null;
	}

	/**
	 * Applies what the journal holds and the database file does not (once, before the
	 * first transaction and before schema migrations), then opens the journal for new
	 * records.
	 */
	synchronized void ensureReplayed() {
		LedgerJournal open = this.journal;
		if (this.replayed) {
			return;
		}
		if (open == null) {
			this.replayed = true;
			return;
		}
		long last = JournalReplay.replay(open, this.dataSource);
		open.open(last);
		this.checkpoints = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ledger-journal-checkpoint").factory());
		this.checkpoints.scheduleWithFixedDelay(this::checkpointIfDue, 1, 1, TimeUnit.SECONDS);
		this.replayed = true;
	}

	private void checkpointIfDue() {
		LedgerJournal open = this.journal;
		if (open != null && (open.full()
				|| System.nanoTime() - this.lastCheckpoint > TimeUnit.SECONDS.toNanos(CHECKPOINT_SECONDS))) {
			checkpoint();
		}
	}

	/**
	 * Has H2 write everything committed to its file now and deletes the journal segments
	 * that recorded it, if there is a journal.
	 */
	void checkpointNow() {
		LedgerJournal open = this.journal;
		if (open == null || !this.replayed) {
			return;
		}
		List<Path> done = open.rotate();
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("CHECKPOINT");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("the H2 database file could not be written", ex);
		}
		LedgerJournal.delete(done);
	}

	/**
	 * Rotates the journal, has H2 write everything committed to its file, then deletes
	 * the segments that recorded it.
	 */
	private void checkpoint() {
		this.lastCheckpoint = System.nanoTime();
		try {
			checkpointNow();
		}
		catch (RuntimeException ex) {
			log.warn("the ledger journal could not be checkpointed (its segments are kept and replayed if needed): {}",
					(ex.getCause() != null) ? ex.getMessage() + ": " + ex.getCause().getMessage() : ex.toString());
		}
	}

	/** Whether the ledger is on H2 (a file or in memory). */
	boolean onH2() {
		return this.onH2;
	}

	static @Nullable Path h2File(DataSource dataSource) {
		String url = url(dataSource);
		return (url != null) ? LedgerJournal.h2File(url) : null;
	}

	private static @Nullable String url(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getURL();
		}
		catch (SQLException ex) {
			// the database is not reachable yet: transactions will say so
			return null;
		}
	}

	/**
	 * Stops the journal as a killed process leaves it: no checkpoint, every segment kept
	 * (tests of what a restart replays).
	 */
	void abandon() {
		ScheduledExecutorService running = this.checkpoints;
		if (running != null) {
			running.shutdownNow();
		}
		if (this.journal != null) {
			this.journal.close();
		}
	}

	@Override
	public void destroy() {
		ScheduledExecutorService running = this.checkpoints;
		LedgerJournal open = this.journal;
		if (running != null) {
			running.shutdown();
		}
		if (open != null && this.replayed) {
			checkpoint();
			open.close();
		}
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
			if (this.owner.journal != null) {
				TransactionSynchronizationManager.bindResource(ENTRY, new JournalEntry());
			}
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			LedgerJournal journal = this.owner.journal;
			JournalEntry entry = (JournalEntry) TransactionSynchronizationManager.getResource(ENTRY);
			if (journal == null || entry == null || entry.isEmpty()) {
				super.doCommit(status);
				return;
			}
			ConnectionHolder holder = (ConnectionHolder) TransactionSynchronizationManager
				.getResource(obtainDataSource());
			if (holder == null) {
				throw new IllegalStateException("no connection is bound to the ledger transaction");
			}
			journal.commit(entry, holder.getConnection(), () -> super.doCommit(status));
		}

		@Override
		protected void doCleanupAfterCompletion(Object transaction) {
			TransactionSynchronizationManager.unbindResourceIfPossible(ENTRY);
			super.doCleanupAfterCompletion(transaction);
		}

	}

}
