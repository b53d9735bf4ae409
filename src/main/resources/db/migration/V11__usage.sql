-- Usage each client is accountable for, and activity over time, counted in the transactions
-- that change sessions (tracking.SessionActivity), so that reading them scans no history.
-- A session is held from the moment its provider confirmed the create (confirmed_at) until it
-- is over (ENDED, EXPIRED): ACTIVE, and ENDING until the provider confirms the end.
-- Written for both H2 and PostgreSQL.

alter table tracked_session add column confirmed_at timestamp(6) with time zone;

-- Per client, provider, scope and UTC day: the opens confirmed that day; the session time in
-- that day (microseconds, the precision times are recorded with) of held sessions that are
-- over; and the held sessions confirmed that day that are not over yet, with the sum of their
-- confirmation times (microseconds after the day's start), from which their time up to any
-- moment is worked out when read.
create table usage_daily (
    utc_day       date         not null,
    client        varchar(128) not null,
    provider      varchar(32)  not null,
    scope         varchar(128) not null,
    opens         bigint       not null,
    session_us    bigint       not null,
    live          bigint       not null,
    live_since_us bigint       not null,
    primary key (utc_day, client, provider, scope)
);

-- Per provider and hour (its start, UTC): held sessions that began (opens) and ended (ends).
create table activity_hourly (
    utc_hour timestamp(6) with time zone not null,
    provider varchar(32) not null,
    opens    bigint      not null,
    ends     bigint      not null,
    primary key (utc_hour, provider)
);
