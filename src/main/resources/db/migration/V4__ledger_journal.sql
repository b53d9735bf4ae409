-- The journal sequence of the last ledger transaction this database holds. On an H2 file
-- database each transaction is appended to a redo journal just before it commits and
-- records its sequence here, in the same transaction; after a crash the journal records
-- past this sequence are replayed (tracking.LedgerJournal). Unused on PostgreSQL.
-- Written for both H2 and PostgreSQL.

create table ledger_journal (
    id  integer primary key,
    seq bigint  not null
);

insert into ledger_journal (id, seq) values (1, 0);
