-- Background work: end deadlines, reconciliation, and the indexes that key every scan,
-- so that no round reads more than its batch however many rows the table holds.
-- Written for both H2 and PostgreSQL.

alter table tracked_session add column ending_since timestamp(6) with time zone;
alter table tracked_session add column flagged_at timestamp(6) with time zone;
alter table tracked_session add column last_checked_at timestamp(6) with time zone;

update tracked_session set ending_since = updated_at where status = 'ENDING';
update tracked_session set last_checked_at = created_at;

-- ACTIVE sessions past their provider's maximum age, OPENING rows left by a crash
create index ix_tracked_session_age on tracked_session (status, provider, created_at);
-- ACTIVE sessions past the expiry the provider gave them
create index ix_tracked_session_expiry on tracked_session (status, expires_at);
-- ended history past its retention
create index ix_tracked_session_ended on tracked_session (status, ended_at);
-- ACTIVE sessions the provider was asked about longest ago
create index ix_tracked_session_checked on tracked_session (status, last_checked_at);

-- The outbound request budgets shared by every replica (Bucket4j's table, on PostgreSQL).
create table rate_bucket (
    id    varchar(64) primary key,
    state bytea
);
