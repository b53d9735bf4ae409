-- A create whose outcome was unknown may still land at the provider after its compensating
-- end (Pathors confirms an end whether or not the session exists). settles_at is when the
-- provider can no longer be finishing such a create: an end confirmed before then leaves the
-- row ENDING until the provider is asked again after it. On an ENDED row whose create was
-- uncertain, next_attempt_at is when reconciliation asks the provider once more.
-- Written for both H2 and PostgreSQL.

alter table tracked_session add column settles_at timestamp(6) with time zone;

-- compensations still under way are verified like new ones
update tracked_session set settles_at = created_at + interval '2' minute
    where status = 'ENDING' and end_reason = 'COMPENSATION';

-- compensations recorded ENDED in the last day, before ends were verified, are checked once
update tracked_session set next_attempt_at = current_timestamp
    where status = 'ENDED' and end_reason = 'COMPENSATION' and ended_at > current_timestamp - interval '1' day;
