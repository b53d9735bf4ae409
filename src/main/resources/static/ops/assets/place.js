// Where the user is: the applied filters, the page (its cursor and the cursors of the pages
// before it) and the open session, kept in the address's fragment so that a reload or a shared
// link comes back to the same place; and the filter form that shows and edits them.

import { fromLocalInput, h, toLocalInput } from './dom.js';
import { LIVE, STATUSES } from './views.js';

const $ = (id) => document.getElementById(id);

/**
 * The applied filters, the page's cursor, the cursors of the pages before it, the open
 * session; the view shown (sessions or usage) and the usage's applied choices.
 */
export const place = {
	filters: {}, limit: 50, cursor: null, trail: [], open: null, refresh: 10, view: 'sessions', usage: {},
};

/** The usage's choices, as named in the address. */
const USAGE = { from: 'usageFrom', to: 'usageTo', client: 'usageClient' };

const FILTERS = ['provider', 'scope', 'client', 'sessionId', 'createdAfter', 'createdBefore'];

/** The first page in the trail of pages before this one (it has no cursor; cursors never hold a ~). */
const FIRST = '~';

/** The automatic refresh: every 10 s unless the address says otherwise, within these bounds (0: off). */
const REFRESH = { every: 10, least: 5, most: 3600 };

/**
 * The seconds between automatic refreshes that a value from the address or the choice
 * asks for: 0 (or less) is off, anything else within the bounds, so that no link can make
 * the page poll back to back.
 */
export function refreshEvery(value) {
	const seconds = Number(value);
	if (value === null || value === '' || !Number.isFinite(seconds)) {
		return REFRESH.every;
	}
	return seconds <= 0 ? 0 : Math.min(REFRESH.most, Math.max(REFRESH.least, Math.round(seconds)));
}

/** Reads the place from the address. */
export function readPlace() {
	const params = new URLSearchParams(location.hash.substring(1));
	place.filters = {};
	for (const name of FILTERS) {
		if (params.get(name)) {
			place.filters[name] = params.get(name);
		}
	}
	place.filters.status = params.getAll('status').filter((status) => STATUSES.includes(status));
	place.limit = Number(params.get('limit')) || 50;
	place.cursor = params.get('cursor') || null;
	place.trail = params.get('trail') ? params.get('trail').split(',').map((c) => (c === FIRST ? null : c)) : [];
	place.open = Number(params.get('open')) || null;
	place.refresh = refreshEvery(params.get('refresh'));
	place.view = params.get('view') === 'usage' ? 'usage' : 'sessions';
	place.usage = {};
	for (const [name, key] of Object.entries(USAGE)) {
		if (params.get(key)) {
			place.usage[name] = params.get(key);
		}
	}
}

/** Writes the place to the address (replacing it: paging is not browser history). */
export function writePlace() {
	const params = query(true);
	if (place.trail.length > 0) {
		params.set('trail', place.trail.map((c) => c || FIRST).join(','));
	}
	if (place.open) {
		params.set('open', place.open);
	}
	params.set('refresh', place.refresh);
	if (place.view === 'usage') {
		params.set('view', 'usage');
	}
	for (const [name, key] of Object.entries(USAGE)) {
		if (place.usage[name]) {
			params.set(key, place.usage[name]);
		}
	}
	history.replaceState(null, '', `#${params}`);
}

/** The query of GET /ops/sessions for the applied filters (and the page, for the listing). */
export function query(withPage) {
	const params = new URLSearchParams();
	for (const name of FILTERS) {
		if (place.filters[name]) {
			params.set(name, place.filters[name]);
		}
	}
	for (const status of place.filters.status || []) {
		params.append('status', status);
	}
	if (withPage) {
		params.set('limit', place.limit);
		if (place.cursor) {
			params.set('cursor', place.cursor);
		}
	}
	return params;
}

export function showFiltersInForm() {
	$('f-provider').value = place.filters.provider || '';
	$('f-scope').value = place.filters.scope || '';
	$('f-client').value = place.filters.client || '';
	$('f-session-id').value = place.filters.sessionId || '';
	$('f-created-after').value = toLocalInput(place.filters.createdAfter);
	$('f-created-before').value = toLocalInput(place.filters.createdBefore);
	for (const box of document.querySelectorAll('#f-statuses input')) {
		box.checked = (place.filters.status || []).includes(box.value);
	}
	$('f-limit').value = String(place.limit);
	const every = $('refresh-every');
	if (![...every.options].some((option) => option.value === String(place.refresh))) {
		// an interval from the address that the choices do not offer
		every.append(h('option', { value: String(place.refresh) }, `${place.refresh} s`));
	}
	every.value = String(place.refresh);
}

/** The filters as the form has them (applied or not). */
export function readFilterForm() {
	const filters = {};
	const text = { provider: 'f-provider', scope: 'f-scope', client: 'f-client', sessionId: 'f-session-id' };
	for (const [name, id] of Object.entries(text)) {
		if ($(id).value.trim()) {
			filters[name] = $(id).value.trim();
		}
	}
	filters.createdAfter = fromLocalInput($('f-created-after').value);
	filters.createdBefore = fromLocalInput($('f-created-before').value);
	filters.status = [...document.querySelectorAll('#f-statuses input:checked')].map((box) => box.value);
	return filters;
}

/** The quick filters. */
export const PRESETS = {
	live: () => ({ status: LIVE }),
	ending: () => ({ status: ['ENDING'] }),
	opening: () => ({ status: ['OPENING'] }),
	failed: () => ({ status: ['FAILED'] }),
	day: () => ({ status: ['ACTIVE'], createdBefore: new Date(Date.now() - 86400000).toISOString() }),
	ended: () => ({ status: ['ENDED'] }),
};
