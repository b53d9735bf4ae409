-- Leases callers hold on their sessions (etcd-style): a session attached to a lease is
-- ended when the lease expires or is revoked. A keep-alive moves one lease row, however many
-- sessions are attached. state: ACTIVE; EXPIRING or REVOKING while its live sessions are
-- being moved to their ends; DONE once none is left. own_session: a lease the gateway granted
-- for one session of a client with a default lease time to live.
-- And the live sessions and the opens each client with caps has at each provider, counted in
-- the transaction that records each intent, so that a cap holds exactly on any number of
-- replicas (client_usage, kept only for clients with caps, and recounted periodically).
-- Written for both H2 and PostgreSQL.

create table lease (
    id          varchar(64)  primary key,
    client      varchar(128) not null,
    ttl_ms      bigint       not null,
    granted_at  timestamp(6) with time zone not null,
    expires_at  timestamp(6) with time zone not null,
    state       varchar(16)  not null,
    ended_at    timestamp(6) with time zone,
    own_session boolean      not null default false,
    version     bigint       not null default 0
);

-- ACTIVE leases past their expiry, and leases whose sessions are being ended
create index ix_lease_due on lease (state, expires_at);

alter table tracked_session add column lease_id varchar(64);

-- a lease's live sessions
create index ix_tracked_session_lease on tracked_session (lease_id, status);

create table client_usage (
    client      varchar(128) not null,
    provider    varchar(32)  not null,
    live        bigint       not null,
    tokens      double precision not null,
    refilled_at timestamp(6) with time zone not null,
    primary key (client, provider)
);
