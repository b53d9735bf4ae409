-- Workload (d)'s ledger: :rows tracked sessions (ids 1..:rows, in the order they were opened,
-- created_at spread over the last 14 days), of which exactly :active are ACTIVE, all among the
-- newest rows as live sessions are. Loaded into the schema the gateway's Flyway created.
--   psql -v rows=1000000 -v active=100000 -f ops-data.sql
-- Spread: Pathors 5 in 7 rows (7 projects, skewed), Konpro 2 in 7 (2 accounts); 4 clients
-- (54%, 23%, 15%, 8%); older rows ENDED (94%), EXPIRED (4%), FAILED (2%); among the newest
-- :active * 5/4 rows, 4 in 5 ACTIVE and the rest ENDED, a few ENDING (due in an hour) or
-- OPENING. Every tenth session has its transition history.
\set ON_ERROR_STOP on
\set window '(' :active ' * 5 / 4)'
insert into tracked_session (id, provider, scope, session_id, live_key, status, client, agent, created_at,
    updated_at, expires_at, ended_at, end_reason, next_attempt_at, attempts, last_error, version, ending_since,
    flagged_at, last_checked_at)
select i, provider, scope, sid,
    case when status in ('OPENING', 'ACTIVE', 'ENDING')
        then provider || ':' || length(scope) || ':' || scope || ':' || sid end,
    status, client, case when provider = 'pathors' and status <> 'FAILED' then 'pw-' || (i % 40) end,
    created,
    case when status in ('ENDED', 'EXPIRED', 'FAILED') then created + (i % 1800 + 30) * interval '1 second'
         else created + interval '2 seconds' end,
    case when provider = 'konpro' and status = 'ACTIVE' then created + interval '3 days' end,
    case when status in ('ENDED', 'EXPIRED', 'FAILED') then created + (i % 1800 + 30) * interval '1 second' end,
    case status when 'ENDED' then case when i % 17 = 0 then 'PROVIDER_ENDED' when i % 101 = 0 then 'OPS' else 'CLIENT' end
                when 'EXPIRED' then 'EXPIRED_TTL' when 'ENDING' then 'CLIENT' end,
    case when status = 'ENDING' then now() + interval '1 hour' end,
    case when status = 'ENDING' then 1 + i % 3 when status = 'FAILED' then 1 else 0 end,
    case when status = 'FAILED' then 'rejected: 422 project is over its session quota'
         when status = 'ENDING' then 'unreachable: connect timed out' end,
    case when status = 'ACTIVE' then 1 when status = 'OPENING' then 0 else 3 end,
    case when status = 'ENDING' then now() - interval '10 minutes' end,
    case when status = 'ENDING' and i % 1000 = 0 then now() - interval '5 minutes' end,
    case when status = 'ACTIVE' then now() else created end
from (
    select i,
        case when i % 7 < 5 then 'pathors' else 'konpro' end as provider,
        case when i % 7 < 5
            then (array['proj-1', 'proj-1', 'proj-1', 'proj-2', 'proj-2', 'proj-3', 'proj-3', 'proj-4', 'proj-5',
                        'proj-6', 'proj-7'])[(i / 7) % 11 + 1]
            else (array['acct-main', 'acct-main', 'acct-eu'])[(i / 7) % 3 + 1] end as scope,
        'bench-' || i as sid,
        (array['orders-service', 'orders-service', 'orders-service', 'orders-service', 'orders-service',
               'orders-service', 'orders-service', 'billing-service', 'billing-service', 'billing-service',
               'support-tool', 'support-tool', 'batch-import'])[i % 13 + 1] as client,
        case when i > :rows - :window
            then case when i % 5 <> 0 then 'ACTIVE' when i % 500 = 0 then 'ENDING' when i % 500 = 5 then 'OPENING'
                      else 'ENDED' end
            else case when i % 50 = 0 then 'FAILED' when i % 50 in (1, 2) then 'EXPIRED' else 'ENDED' end
        end as status,
        now() - (:rows - i) * (interval '14 days' / :rows) as created
    from generate_series(1, :rows) as i
) as spread;

select setval(pg_get_serial_sequence('tracked_session', 'id'), :rows);

insert into session_transition (session_ref, from_status, to_status, at, actor, reason)
select s.id, step.from_status, step.to_status, s.created_at + step.n * interval '1 second', s.client,
    case when step.to_status in ('ENDING', 'ENDED', 'EXPIRED') then s.end_reason end
from tracked_session s
cross join lateral (values
    (0, null, 'OPENING', true),
    (1, 'OPENING', 'ACTIVE', s.status not in ('OPENING', 'FAILED')),
    (1, 'OPENING', 'FAILED', s.status = 'FAILED'),
    (2, 'ACTIVE', 'ENDING', s.status in ('ENDING', 'ENDED')),
    (3, 'ENDING', 'ENDED', s.status = 'ENDED'),
    (3, 'ACTIVE', 'EXPIRED', s.status = 'EXPIRED')) as step(n, from_status, to_status, applies)
where s.id % 10 = 0 and step.applies
order by s.id, step.n;
