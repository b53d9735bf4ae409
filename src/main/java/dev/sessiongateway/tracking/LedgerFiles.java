package dev.sessiongateway.tracking;

import java.nio.file.Path;

import javax.sql.DataSource;

/**
 * The ledger of a stopped gateway as it stands on disk: an H2 file database is first
 * brought up to date with its journal, as the gateway does when it starts. For tools that
 * read the ledger while no gateway has it open.
 */
public final class LedgerFiles {

	private LedgerFiles() {
	}

	/**
	 * Applies what the journal of an H2 file database holds beyond the file; does nothing
	 * on any other database.
	 */
	public static void recover(DataSource dataSource) {
		Path file = LedgerTransactions.h2File(dataSource);
		if (file != null) {
			try (LedgerJournal journal = new LedgerJournal(file, Long.MAX_VALUE)) {
				JournalReplay.replay(journal, dataSource);
			}
		}
	}

}
