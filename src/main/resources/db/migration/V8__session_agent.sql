-- What runs a session at its provider (a Pathors pathway id today) is kept under a name that
-- is not one provider's: the ledger knows no provider.
-- Written for both H2 and PostgreSQL.

alter table tracked_session rename column pathway_id to agent;
