package dev.sessiongateway.tracking;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static dev.sessiongateway.tracking.GroupCommitUnits.await;
import static dev.sessiongateway.tracking.GroupCommitUnits.queued;
import static dev.sessiongateway.tracking.GroupCommitUnits.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ledger journal of an H2 file database, against the database stopped the hard way:
 * {@code SHUTDOWN IMMEDIATELY} closes H2 without writing what its file does not hold yet,
 * as a {@code kill -9} of the gateway would (H2 is given a long write delay so that
 * nothing reaches its file in the background).
 */
class LedgerJournalTests {

	@TempDir
	Path directory;

	private final List<LedgerTransactions> started = new ArrayList<>();

	@AfterEach
	void stop() {
		this.started.forEach(LedgerTransactions::abandon);
	}

	@Test
	void aCommitTheDatabaseFileDidNotHoldIsReplayedAtTheNextStart() {
		Ledger ledger = start(true);
		long first = ledger.open("s-1");
		long second = ledger.open("s-2");
		ledger.crash();

		Ledger restarted = start(true);

		assertThat(restarted.rows()).containsExactly(first + " s-1 OPENING", second + " s-2 OPENING");
		assertThat(restarted.jdbc.queryForObject("select count(*) from session_transition", Integer.class))
			.isEqualTo(2);
		assertThat(this.journalSegments()).as("replayed and written to the file").hasSize(1);
	}

	@Test
	void withoutTheJournalTheSameStopLosesTheCommits() {
		Ledger ledger = start(false);
		ledger.open("s-1");
		ledger.open("s-2");
		ledger.crash();

		assertThat(start(false).rows()).isEmpty();
	}

	@Test
	void onlyTheRecordsPastTheSequenceTheFileHoldsAreReplayed() {
		Ledger ledger = start(true);
		long first = ledger.open("s-1");
		ledger.change(first, (session, now) -> {
			session.confirmOpen(SessionFacts.alive("s-1", null, null), now);
			session.requestEnd(EndReason.CLIENT, "svc", now);
			session.confirmEnd(now, now);
		});
		long again = ledger.open("s-1");
		ledger.jdbc.execute("CHECKPOINT");
		long other = ledger.open("s-2");
		ledger.crash();

		// replaying the first records over the file would put s-1's live key on two rows
		Ledger restarted = start(true);

		assertThat(restarted.rows()).containsExactly(first + " s-1 ENDED", again + " s-1 OPENING",
				other + " s-2 OPENING");
	}

	@Test
	void aReplayedLedgerGivesNewRowsFreshIds() {
		Ledger ledger = start(true);
		long first = ledger.open("s-1");
		ledger.crash();

		long next = start(true).open("s-2");

		assertThat(next).isGreaterThan(first);
	}

	@Test
	void aRecordCutShortByTheStopIsIgnored() throws IOException {
		Ledger ledger = start(true);
		long first = ledger.open("s-1");
		ledger.crash();
		Files.write(this.journalSegments().getLast(), new byte[] { 0, 0, 1, 0, 0, 0 }, StandardOpenOption.APPEND);

		assertThat(start(true).rows()).containsExactly(first + " s-1 OPENING");
	}

	@Test
	void aTransactionThatCouldNotCommitIsNotReplayed() throws Exception {
		Ledger ledger = start(true);
		ledger.open("s-1");
		LedgerJournal journal = new LedgerJournal(this.directory.resolve("ledger"), Long.MAX_VALUE);
		journal.open(100);
		JournalEntry entry = new JournalEntry();
		Session ghost = Session.opening("fake", "p", "ghost", "svc", Instant.now());
		ghost.inserted(999);
		entry.session(ghost);
		try (Connection connection = ledger.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				journal.commit(entry, connection, () -> {
					throw new IllegalStateException("the commit failed");
				});
			}
			catch (IllegalStateException expected) {
				connection.rollback();
			}
		}
		journal.close();
		ledger.crash();

		assertThat(start(true).rows()).extracting((row) -> row.split(" ")[1]).containsExactly("s-1");
	}

	@Test
	void aCheckpointDeletesTheSegmentsTheFileNowHolds() {
		Ledger ledger = start(true);
		long first = ledger.open("s-1");
		List<Path> before = journalSegments();
		ledger.transactions.checkpointNow();
		assertThat(journalSegments()).doesNotContainAnyElementsOf(before).hasSize(1);
		long second = ledger.open("s-2");
		ledger.crash();

		assertThat(start(true).rows()).containsExactly(first + " s-1 OPENING", second + " s-2 OPENING");
	}

	@Test
	void aUnitRolledBackToItsSavepointLeavesNothingToReplay() throws Exception {
		Ledger ledger = start(true);
		GroupCommits commits = new GroupCommits(ledger.transactions);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Long> held = submit(commits, () -> {
			holding.countDown();
			await(release);
			return ledger.insert("held");
		});
		assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Long> first = submit(commits, () -> ledger.insert("s-1"));
		queued(commits, 1);
		CompletableFuture<Long> failing = submit(commits, () -> {
			ledger.insert("s-2");
			throw new IllegalStateException("this unit fails after its write");
		});
		queued(commits, 2);
		CompletableFuture<Long> last = submit(commits, () -> ledger.insert("s-3"));
		queued(commits, 3);
		release.countDown();
		held.get(10, TimeUnit.SECONDS);
		first.get(10, TimeUnit.SECONDS);
		last.get(10, TimeUnit.SECONDS);
		assertThat(failing).failsWithin(10, TimeUnit.SECONDS);
		commits.destroy();
		ledger.crash();

		assertThat(start(true).rows()).extracting((row) -> row.split(" ")[1]).containsExactly("held", "s-1", "s-3");
	}

	private Ledger start(boolean journal) {
		DriverManagerDataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:file:" + this.directory.resolve("ledger") + ";WRITE_DELAY=3600000;DB_CLOSE_DELAY=-1", "sa",
				"");
		LedgerTransactions transactions = new LedgerTransactions(dataSource, journal);
		this.started.add(transactions);
		// as the gateway starts (JournalConfiguration)
		transactions.ensureReplayed();
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
		transactions.checkpointNow();
		if (!journal) {
			new JdbcTemplate(dataSource).execute("CHECKPOINT");
		}
		return new Ledger(dataSource, transactions);
	}

	private List<Path> journalSegments() {
		return new LedgerJournal(this.directory.resolve("ledger"), Long.MAX_VALUE).segments();
	}

	/** A ledger on the test's H2 file, written as the gateway writes it. */
	private static final class Ledger {

		final DataSource dataSource;

		final LedgerTransactions transactions;

		final JdbcTemplate jdbc;

		final SessionRows sessionRows;

		Ledger(DataSource dataSource, LedgerTransactions transactions) {
			this.dataSource = dataSource;
			this.transactions = transactions;
			this.jdbc = new JdbcTemplate(dataSource);
			this.sessionRows = new SessionRows(this.jdbc, transactions);
		}

		/** Opens a session in a transaction of its own, as an intent is recorded. */
		long open(String sessionId) {
			Long id = this.transactions.template().execute((status) -> insert(sessionId));
			assertThat(id).isNotNull();
			return id;
		}

		/**
		 * Inserts a session row with its first history entry, in the current transaction.
		 */
		long insert(String sessionId) {
			Session session = Session.opening("fake", "p", sessionId, "svc", Instant.now());
			this.sessionRows.insert(session);
			this.sessionRows.insertHistory(List.of(session.recorded()));
			return session.getId();
		}

		void change(long id, Changes changes) {
			this.transactions.template().executeWithoutResult((status) -> {
				Session session = this.sessionRows.find(id).orElseThrow();
				changes.apply(session, Instant.now());
				this.sessionRows.update(session);
			});
		}

		List<String> rows() {
			return this.jdbc.query("select id, session_id, status from tracked_session order by id",
					(rs, n) -> rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
		}

		/** Stops H2 without writing what its file does not hold yet. */
		void crash() {
			this.transactions.abandon();
			this.jdbc.execute("SHUTDOWN IMMEDIATELY");
		}

	}

	@FunctionalInterface
	private interface Changes {

		void apply(Session session, Instant now);

	}

}
