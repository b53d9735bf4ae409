-- The ops console's reads: every listing is in the order sessions were opened (created_at,
-- then id) and each filter it offers is keyed by an index that yields that order, so that a
-- page reads its own rows and no more however many rows the table holds.
-- Every index here costs each write of the hot path (a status change rewrites the row into
-- every index), so there are few: the status index now carries the order (and replaces the
-- plain created_at index), scope and client each have one, and the lookup index leads with
-- the session id so that a session id alone is found.
-- Written for both H2 and PostgreSQL.

drop index ix_tracked_session_status;
drop index ix_tracked_session_created;
create index ix_tracked_session_status on tracked_session (status, created_at, id);

create index ix_tracked_session_scope on tracked_session (scope, status, created_at, id);
create index ix_tracked_session_client on tracked_session (client, status, created_at, id);

drop index ix_tracked_session_lookup;
create index ix_tracked_session_lookup on tracked_session (session_id, provider, scope);
