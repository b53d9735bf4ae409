// What the console shows: the live counts, the table of sessions and one session's
// detail, each built from the gateway's JSON with text only (never markup).

import { age, ago, count, fill, h, localTime, timeOf } from './dom.js';

export const STATUSES = ['OPENING', 'ACTIVE', 'ENDING', 'ENDED', 'FAILED', 'EXPIRED'];

export const LIVE = ['OPENING', 'ACTIVE', 'ENDING'];

const statusBadge = (status) => h('span', { class: `badge status-${status.toLowerCase()}` }, status);

const flaggedBadge = () => h('span', { class: 'badge flagged', title: 'The end is past its deadline: a human should look' },
	'needs a human');

/** Sums counts by a key, for the live statuses. */
function tally(rows, keyOf) {
	const sums = new Map();
	for (const row of rows) {
		const key = keyOf(row);
		const sum = sums.get(key) || { OPENING: 0, ACTIVE: 0, ENDING: 0, total: 0, row };
		sum[row.status] += row.count;
		sum.total += row.count;
		sums.set(key, sum);
	}
	return sums;
}

function tile({ label, value, sub, tone = '', onClick, key }) {
	const body = [h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, value),
		h('span', { class: 'tile-sub' }, sub)];
	return onClick
		? h('button', { type: 'button', class: `tile ${tone}`, onclick: onClick, dataset: { focusKey: key } }, body)
		: h('div', { class: `tile ${tone}` }, body);
}

/** The tiles: live totals, each provider, the end backlog, flagged ends, the oldest session. */
export function renderTiles(element, stats, pick) {
	const all = tally(stats.live, () => 'all').get('all') || { OPENING: 0, ACTIVE: 0, ENDING: 0, total: 0 };
	const byProvider = tally(stats.live, (row) => row.provider);
	const tiles = [tile({
		label: 'Live sessions', value: count(all.total), key: 'tile-live',
		sub: `${count(all.ACTIVE)} active · ${count(all.OPENING)} opening · ${count(all.ENDING)} ending`,
		onClick: () => pick({ status: LIVE }),
	})];
	for (const provider of stats.providers) {
		const sum = byProvider.get(provider) || { OPENING: 0, ACTIVE: 0, ENDING: 0 };
		tiles.push(tile({
			label: provider, value: count(sum.ACTIVE), key: `tile-${provider}`,
			sub: `active · ${count(sum.OPENING)} opening · ${count(sum.ENDING)} ending`,
			onClick: () => pick({ provider, status: LIVE }),
		}));
	}
	tiles.push(tile({
		label: 'Ending backlog', value: count(stats.endingBacklog), key: 'tile-backlog',
		sub: 'ends the provider has not confirmed yet', tone: stats.endingBacklog > 0 ? 'warn' : '',
		onClick: () => pick({ status: ['ENDING'] }),
	}));
	tiles.push(tile({
		label: 'Flagged ends', value: count(stats.flaggedEnds), key: 'tile-flagged',
		sub: 'past their deadline: need a human', tone: stats.flaggedEnds > 0 ? 'alert' : '',
		onClick: () => pick({ status: ['ENDING'] }),
	}));
	tiles.push(tile({
		label: 'Oldest active', key: 'tile-oldest',
		value: stats.oldestActiveAgeSeconds === null ? '–' : age(stats.oldestActiveAgeSeconds),
		sub: stats.oldestActiveCreatedAt ? `opened ${localTime(stats.oldestActiveCreatedAt)}` : 'no active session',
		onClick: () => pick({ status: ['ACTIVE'] }),
	}));
	fill(element, tiles);
}

function breakdown(caption, heads, rows) {
	if (rows.length === 0) {
		return h('p', { class: 'muted empty-small' }, 'No live sessions.');
	}
	return h('table', { class: 'compact' },
		h('caption', { class: 'visually-hidden' }, caption),
		h('thead', {}, h('tr', {}, heads.map((head, i) => h('th', { scope: 'col', class: i >= heads.length - 3 ? 'num' : '' }, head)))),
		h('tbody', {}, rows));
}

const countCells = (sum) => ['OPENING', 'ACTIVE', 'ENDING'].map((status) =>
	h('td', { class: `num${sum[status] === 0 ? ' zero' : ''}` }, count(sum[status])));

/** Live counts by provider and scope, and by client; each row filters the table. */
export function renderBreakdowns(byScope, byClient, stats, pick) {
	const scopes = [...tally(stats.live, (row) => `${row.provider}\u0000${row.scope}`).values()];
	fill(byScope, breakdown('Live sessions by provider and scope',
		['Provider', 'Scope', 'Opening', 'Active', 'Ending'],
		scopes.map((sum) => h('tr', {},
			h('td', {}, sum.row.provider),
			h('td', {}, h('button', {
				type: 'button', class: 'link', dataset: { focusKey: `scope-${sum.row.provider}-${sum.row.scope}` },
				'aria-label': `Show live sessions of ${sum.row.provider} scope ${sum.row.scope}`,
				onclick: () => pick({ provider: sum.row.provider, scope: sum.row.scope, status: LIVE }),
			}, sum.row.scope)),
			countCells(sum)))));
	const clients = [...tally(stats.liveByClient, (row) => row.client).values()];
	fill(byClient, breakdown('Live sessions by client', ['Client', 'Opening', 'Active', 'Ending'],
		clients.map((sum) => h('tr', {},
			h('td', {}, h('button', {
				type: 'button', class: 'link', dataset: { focusKey: `client-${sum.row.client}` },
				'aria-label': `Show live sessions of client ${sum.row.client}`,
				onclick: () => pick({ client: sum.row.client, status: LIVE }),
			}, sum.row.client)),
			countCells(sum)))));
}

const use = (used, cap) => cap === 0 ? h('span', { class: 'muted' }, 'no cap') : `${count(used)} / ${count(cap)}`;

/** Each capped client's use against its caps; the card only shows when a client has caps. */
export function renderLimits(card, element, stats, pick) {
	const limits = stats.limits || [];
	card.hidden = limits.length === 0;
	fill(element, limits.length === 0 ? [] : h('table', { class: 'compact' },
		h('caption', { class: 'visually-hidden' }, 'Use against caps by client and provider'),
		h('thead', {}, h('tr', {},
			h('th', { scope: 'col' }, 'Client'), h('th', { scope: 'col' }, 'Provider'),
			h('th', { scope: 'col', class: 'num' }, 'Live / max'), h('th', { scope: 'col', class: 'num' }, 'Opens left / minute'))),
		h('tbody', {}, limits.map((row) => h('tr', { class: row.maxLive > 0 && row.live >= row.maxLive ? 'at-cap' : '' },
			h('td', {}, h('button', {
				type: 'button', class: 'link', dataset: { focusKey: `limit-${row.client}-${row.provider}` },
				'aria-label': `Show live sessions of client ${row.client} at ${row.provider}`,
				onclick: () => pick({ client: row.client, provider: row.provider, status: LIVE }),
			}, row.client)),
			h('td', {}, row.provider),
			h('td', { class: 'num' }, use(row.live, row.maxLive)),
			h('td', { class: 'num' }, use(row.opensLeft, row.opensPerMinute)))))));
}

/** One table row per session; the id button opens the detail. */
export function renderRows(body, items, openId, open) {
	fill(body, items.map((session) => {
		const label = `Open session ${session.id} (${session.sessionId || 'no session id'})`;
		const row = h('tr', {
			class: session.id === openId ? 'selected' : '', 'aria-current': session.id === openId ? 'true' : null,
			dataset: { id: session.id },
			onclick: (event) => {
				if (!event.target.closest('button') && !window.getSelection().toString()) {
					open(session.id);
				}
			},
		},
		h('td', {}, h('button', {
			type: 'button', class: 'link mono row-open', 'aria-label': label,
			dataset: { focusKey: `row-${session.id}`, id: session.id }, onclick: () => open(session.id),
		}, `#${session.id}`)),
		h('td', {}, session.provider),
		h('td', { class: 'mono nowrap' }, session.scope),
		h('td', { class: 'mono wrap' }, session.sessionId || h('span', { class: 'muted' }, '–')),
		h('td', {}, statusBadge(session.status), session.flaggedAt ? flaggedBadge() : null),
		h('td', { class: 'nowrap' }, session.client),
		h('td', { class: 'nowrap' }, timeOf(session.createdAt)),
		h('td', { class: 'num' }, String(session.attempts)),
		h('td', { class: 'error-cell', title: session.lastError || '' }, session.lastError || ''));
		return row;
	}));
}

const fact = (term, ...value) => [h('dt', {}, term), h('dd', {}, ...value)];

const instant = (iso) => iso ? [localTime(iso), h('span', { class: 'sub' }, ` (${ago(iso)})`)] : [h('span', { class: 'muted' }, '–')];

/** One session: its facts, its last error, its history, and the force-end for a live one. */
export function renderDetail(heading, body, session, forceEnd) {
	heading.textContent = `Session #${session.id}`;
	const live = LIVE.includes(session.status);
	const history = session.history || [];
	fill(body,
		h('div', { class: 'detail-status' }, statusBadge(session.status), session.flaggedAt ? flaggedBadge() : null,
			session.endReason ? h('span', { class: 'muted' }, `reason ${session.endReason}`) : null),
		live ? h('button', {
			type: 'button', class: 'danger', id: 'force-end', dataset: { focusKey: 'force-end' },
			onclick: () => forceEnd(session),
		}, 'Force end…') : null,
		session.lastError ? h('div', { class: 'callout', role: 'note' },
			h('strong', {}, 'Last error'), h('p', { class: 'mono wrap' }, session.lastError)) : null,
		h('dl', { class: 'facts' },
			fact('Provider', session.provider),
			fact('Scope', h('span', { class: 'mono' }, session.scope)),
			fact('Session id', h('span', { class: 'mono wrap' }, session.sessionId || '–')),
			fact('Client', session.client),
			fact('Pathway', session.pathwayId || h('span', { class: 'muted' }, '–')),
			fact('Opened', ...instant(session.createdAt)),
			fact('Updated', ...instant(session.updatedAt)),
			fact('Expires', ...instant(session.expiresAt)),
			fact('Ended', ...instant(session.endedAt)),
			fact('End attempts', String(session.attempts)),
			fact('Ending since', ...instant(session.endingSince)),
			fact('Next attempt', ...instant(session.nextAttemptAt)),
			fact('Flagged', ...instant(session.flaggedAt)),
			fact('Last checked', ...instant(session.lastCheckedAt)),
			fact('Lease', session.lease ? h('span', { class: 'mono wrap' }, session.lease) : h('span', { class: 'muted' }, '–')),
			fact('Lease expires', ...instant(session.leaseExpiresAt))),
		h('h3', {}, 'History'),
		history.length === 0 ? h('p', { class: 'muted' }, 'No recorded transitions.') : h('ol', { class: 'timeline' },
			history.map((entry) => h('li', {},
				h('div', { class: 'timeline-head' },
					entry.from ? statusBadge(entry.from) : h('span', { class: 'muted' }, 'new'),
					h('span', { class: 'arrow', 'aria-label': 'to' }, '→'),
					statusBadge(entry.to),
					h('time', { datetime: entry.at, title: entry.at, class: 'muted' }, localTime(entry.at))),
				h('div', { class: 'timeline-body' },
					entry.actor ? h('span', {}, 'by ', h('strong', {}, entry.actor)) : h('span', { class: 'muted' }, 'actor not recorded'),
					entry.reason ? h('span', { class: 'muted' }, ` · ${entry.reason}`) : null,
					entry.detail ? h('p', { class: 'mono wrap' }, entry.detail) : null)))));
}
