package dev.sessiongateway.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.sessiongateway.ledger.GroupCommitUnits.await;
import static dev.sessiongateway.ledger.GroupCommitUnits.queued;
import static dev.sessiongateway.ledger.GroupCommitUnits.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Units that share a commit keep their own outcomes, on whichever database a subclass
 * gives. Both writers are held busy on a latch while the units under test queue, so that
 * they are sure to share one group.
 */
abstract class GroupCommitsContract {

	private DataSource dataSource;

	private JdbcTemplate jdbc;

	private FailingBegins transactions;

	private GroupCommits commits;

	private final CountDownLatch release = new CountDownLatch(1);

	private final List<CompletableFuture<?>> holders = new ArrayList<>();

	/** The database the units write to. */
	abstract DataSource dataSource();

	/** How many writers commit groups on that database. */
	abstract int writers();

	@BeforeEach
	void database() {
		this.dataSource = dataSource();
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.execute("drop table if exists item");
		this.jdbc.execute("create table item (name varchar(32) primary key)");
		this.transactions = new FailingBegins(this.dataSource);
		this.commits = new GroupCommits(new TransactionTemplate(this.transactions), writers());
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.release.countDown();
		this.commits.destroy();
	}

	@Test
	void aFailingUnitFailsAloneAndTheOthersOfItsGroupCommitOnce() throws Exception {
		holdWriters();
		CompletableFuture<String> first = submit(this.commits, () -> insert("a"));
		queued(this.commits, 1);
		CompletableFuture<String> duplicate = submit(this.commits, () -> {
			insert("b");
			return insert("a");
		});
		queued(this.commits, 2);
		CompletableFuture<String> last = submit(this.commits, () -> insert("c"));
		queued(this.commits, 3);
		this.release.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("a");
		assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo("c");
		assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(DataIntegrityViolationException.class);
		// the failed unit's own first insert is rolled back; the others are in once
		assertThat(this.jdbc.queryForList("select name from item where name not like 'held-%' order by name",
				String.class))
			.containsExactly("a", "c");
	}

	@Test
	void aFailingUnitDoesNotMakeTheOthersOfItsGroupRunAgain() throws Exception {
		holdWriters();
		AtomicInteger firstRuns = new AtomicInteger();
		AtomicInteger lastRuns = new AtomicInteger();
		CompletableFuture<String> first = submit(this.commits, () -> {
			firstRuns.incrementAndGet();
			return insert("d");
		});
		queued(this.commits, 1);
		CompletableFuture<String> duplicate = submit(this.commits, () -> insert("d"));
		queued(this.commits, 2);
		CompletableFuture<String> last = submit(this.commits, () -> {
			lastRuns.incrementAndGet();
			return insert("e");
		});
		queued(this.commits, 3);
		this.release.countDown();

		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("d");
		assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo("e");
		assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(DataIntegrityViolationException.class);
		// one refused unit (a duplicate open, say) costs only itself
		assertThat(firstRuns).hasValue(1);
		assertThat(lastRuns).hasValue(1);
	}

	@Test
	void aTransactionThatCannotBeginFailsEveryUnitOfItsGroupAndCommitsNone() throws Exception {
		holdWriters();
		CompletableFuture<String> one = submit(this.commits, () -> insert("x"));
		queued(this.commits, 1);
		CompletableFuture<String> two = submit(this.commits, () -> insert("y"));
		queued(this.commits, 2);
		this.transactions.failNext();
		this.release.countDown();

		assertThatThrownBy(() -> one.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(CannotCreateTransactionException.class);
		assertThatThrownBy(() -> two.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(CannotCreateTransactionException.class);
		assertThat(this.jdbc.queryForList("select name from item where name in ('x', 'y')", String.class)).isEmpty();
	}

	@Test
	void aUnitIsAnsweredOnlyOnceItsCommitIsVisibleToOthers() throws Exception {
		String name = this.commits.run(() -> insert("seen"));
		// another connection, outside any transaction of the writer's
		try (SingleConnectionDataSource other = new SingleConnectionDataSource(this.dataSource.getConnection(),
				false)) {
			assertThat(new JdbcTemplate(other).queryForObject("select count(*) from item where name = ?", Integer.class,
					name))
				.isEqualTo(1);
		}
	}

	private String insert(String name) {
		this.jdbc.update("insert into item (name) values (?)", name);
		return name;
	}

	/**
	 * Occupies every writer with a unit that waits for {@link #release}, one after the
	 * other so that no writer takes two of them as one group.
	 */
	private void holdWriters() throws InterruptedException {
		for (int i = 1; i <= writers(); i++) {
			String name = "held-" + i;
			CountDownLatch started = new CountDownLatch(1);
			this.holders.add(submit(this.commits, () -> {
				started.countDown();
				await(this.release);
				return insert(name);
			}));
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	/** Transactions a test can make fail to begin once. */
	static final class FailingBegins extends DataSourceTransactionManager {

		private volatile boolean failNext;

		FailingBegins(DataSource dataSource) {
			super(dataSource);
		}

		void failNext() {
			this.failNext = true;
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			if (this.failNext) {
				this.failNext = false;
				throw new CannotCreateTransactionException("Connection is not available, request timed out");
			}
			super.doBegin(transaction, definition);
		}

	}

}
