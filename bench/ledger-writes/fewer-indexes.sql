-- The tracked_session indexes that only the ops reads and the periodic scans use: what the
-- hot path would save without them (the primary key, live_key, lookup, due and lease stay).
drop index ix_tracked_session_scope;
drop index ix_tracked_session_client;
drop index ix_tracked_session_status;
drop index ix_tracked_session_ended;
drop index ix_tracked_session_age;
drop index ix_tracked_session_checked;
drop index ix_tracked_session_expiry;
