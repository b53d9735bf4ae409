-- Ops console sign-ins, shared by every replica: a browser holds a random token in an
-- HttpOnly cookie, and only the token's SHA-256 is stored here, so that a copy of this table
-- signs nobody in. key_ref ties a sign-in to the client key it was made with (a hash of that
-- key's configured hash): removing the key from the configuration ends its sign-ins.
-- A sign-in is valid while now < idle_until, which each use moves on (never past expires_at).
-- Written for both H2 and PostgreSQL.

create table console_session (
    token_sha256 varchar(64)  primary key,
    client       varchar(128) not null,
    key_ref      varchar(64)  not null,
    created_at   timestamp(6) with time zone not null,
    idle_until   timestamp(6) with time zone not null,
    expires_at   timestamp(6) with time zone not null
);

-- sign-ins past their time, deleted as new ones are made
create index ix_console_session_idle_until on console_session (idle_until);
