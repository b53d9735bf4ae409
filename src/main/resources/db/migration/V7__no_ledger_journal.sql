-- The ledger keeps no journal of its own: H2 writes every commit to its file
-- (WRITE_DELAY=0), and PostgreSQL commits durably as it is.
-- Written for both H2 and PostgreSQL.

drop table ledger_journal;
