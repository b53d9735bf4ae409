-- Idempotency keys callers send with their creates (Idempotency-Key,
-- draft-ietf-httpapi-idempotency-key-header), each its client's own: the primary key on
-- (client, idem_key) lets one request of all that send a key at once, on any replica, record
-- it, in the transaction that records its session's intent; the others find it there.
-- fingerprint: SHA-256 of the create's provider, scope and body, so that the key cannot be
-- used for another request. request: the one request that holds the key, whose answer is
-- stored against it (answer: encrypted by the gateway, never plaintext; null while that
-- request is in flight). session_row: the session the create recorded (no foreign key:
-- history is purged on its own schedule). A key and its answer are deleted once expires_at
-- has passed.
-- Written for both H2 and PostgreSQL.

create table idempotency_key (
    client      varchar(128) not null,
    idem_key    varchar(255) not null,
    fingerprint varchar(64)  not null,
    request     varchar(32)  not null,
    session_row bigint,
    created_at  timestamp(6) with time zone not null,
    expires_at  timestamp(6) with time zone not null,
    answered_at timestamp(6) with time zone,
    answer      bytea,
    primary key (client, idem_key)
);

-- keys past their window, purged by background work
create index ix_idempotency_key_expiry on idempotency_key (expires_at);
