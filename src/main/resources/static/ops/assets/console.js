// The ops console: sign-in, the live counts, the session table with the filters and
// cursor paging of GET /ops/sessions, one session's detail, force-end, and a refresh that
// keeps the user's place (filters, page, open session, focus and scroll are kept, and the
// place is in the address's fragment, so a reload comes back to it too); and the usage
// view, with its charts.

import { confirmForceEnd, exportCsv, toast } from './actions.js';
import { ApiError, SignedOut, json, request, signIn, useCsrfToken } from './api.js';
import { fill, h, localTime } from './dom.js';
import { PRESETS, place, query, readFilterForm, readPlace, refreshEvery, showFiltersInForm, writePlace } from './place.js';
import { exportUsage, readUsageForm, refreshUsage, showUsageChoices } from './usage.js';
import { STATUSES, renderBreakdowns, renderDetail, renderLimits, renderRows, renderTiles } from './views.js';

const $ = (id) => document.getElementById(id);

let timer = null;
let refreshing = null;
let queued = null;
// whether every refresh asked for while one ran was automatic
let queuedAutomatic = true;
let lastPage = { items: [], nextCursor: null };

function applyFilters(filters) {
	place.filters = filters;
	place.cursor = null;
	place.trail = [];
	showFiltersInForm();
	writePlace();
	refresh();
}

// ---- loading and showing ----

/** Runs a re-render keeping the focused control and the scroll positions. */
function keepingPlace(render) {
	const focused = document.activeElement && document.activeElement.closest('[data-focus-key]');
	const focusKey = focused ? focused.dataset.focusKey : null;
	const scrolls = [$('table-wrap'), $('detail'), document.scrollingElement].map((el) => [el, el.scrollTop]);
	render();
	for (const [el, top] of scrolls) {
		el.scrollTop = top;
	}
	if (focusKey) {
		const again = document.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
		if (again && again !== document.activeElement) {
			again.focus({ preventScroll: true });
		}
	}
}

async function loadDetail(options) {
	if (!place.open) {
		return null;
	}
	try {
		return (await json(`sessions/${place.open}`, options)).body;
	} catch (error) {
		if (error instanceof ApiError && error.status === 404) {
			return { missing: place.open };
		}
		throw error;
	}
}

/**
 * Reads the counts, the page and the open session again, and shows them in place. An
 * `automatic` refresh (the page's own) does not count as use of the sign-in.
 */
function refresh({ automatic = false } = {}) {
	if (refreshing) {
		// one more once this one is done, so that what changed meanwhile is shown
		queuedAutomatic = queuedAutomatic && automatic;
		queued = queued || refreshing.then(() => {
			const again = { automatic: queuedAutomatic };
			queued = null;
			queuedAutomatic = true;
			return refresh(again);
		});
		return queued;
	}
	clearTimeout(timer);
	const options = { automatic };
	if (place.view === 'usage') {
		refreshing = (async () => {
			try {
				if (await refreshUsage(place.usage, options)) {
					$('refreshed').textContent = `Updated ${localTime(new Date().toISOString()).substring(11)}`;
				}
				$('banner').hidden = true;
			} catch (error) {
				failed(error);
			} finally {
				refreshing = null;
				schedule();
			}
		})();
		return refreshing;
	}
	$('sessions-table').setAttribute('aria-busy', 'true');
	refreshing = (async () => {
		try {
			const [stats, page, detail] = await Promise.all([json('sessions/stats', options),
				json(`sessions?${query(true)}`, options), loadDetail(options)]);
			lastPage = page.body;
			keepingPlace(() => {
				showStats(stats.body);
				showPage(page.body);
				showDetail(detail);
			});
			$('refreshed').textContent = `Updated ${localTime(new Date().toISOString()).substring(11)}`;
			$('banner').hidden = true;
		} catch (error) {
			failed(error);
		} finally {
			$('sessions-table').removeAttribute('aria-busy');
			refreshing = null;
			schedule();
		}
	})();
	return refreshing;
}

function schedule() {
	clearTimeout(timer);
	if (place.refresh > 0 && !$('app-view').hidden) {
		timer = setTimeout(autoRefresh, place.refresh * 1000);
	}
}

/** A refresh that waits while the user is in the middle of something. */
function autoRefresh() {
	const busy = document.hidden || $('confirm-end').open || window.getSelection().toString() !== '';
	if (busy) {
		schedule();
	} else {
		refresh({ automatic: true });
	}
}

/**
 * Shows why something failed: the sign-in when it has ended; otherwise what failed, in a
 * note for an action (`doing`), or in the banner for a refresh (until one succeeds).
 */
function failed(error, doing) {
	if (error instanceof SignedOut) {
		showSignIn('Your sign-in has ended. Sign in again to go on where you were.');
		return;
	}
	if (doing) {
		toast(`Could not ${doing}: ${error.message}`, 'error');
		return;
	}
	const banner = $('banner');
	banner.textContent = `Could not refresh: ${error.message}`;
	banner.hidden = false;
}

function showStats(stats) {
	const pick = (filters) => applyFilters(filters);
	renderTiles($('tiles'), stats, pick);
	renderBreakdowns($('by-scope'), $('by-client'), stats, pick);
	renderLimits($('limits-card'), $('limits'), stats, pick);
	$('counted-at').textContent = `counted ${localTime(stats.countedAt)}`;
	// the choices are only rebuilt when they change, and keep what the user picked but did not apply yet
	const provider = $('f-provider');
	if (provider.dataset.choices !== stats.providers.join()) {
		const chosen = provider.dataset.choices === undefined ? (place.filters.provider || '') : provider.value;
		fill(provider, h('option', { value: '' }, 'Any'), stats.providers.map((name) => h('option', { value: name }, name)));
		provider.value = chosen;
		provider.dataset.choices = stats.providers.join();
	}
	suggest($('scopes'), stats.live.map((row) => row.scope));
	suggest($('clients'), stats.liveByClient.map((row) => row.client));
}

/** Fills a datalist with these suggestions, when they changed. */
function suggest(list, values) {
	const unique = [...new Set(values)].sort();
	if (list.dataset.values !== unique.join('\u0000')) {
		fill(list, unique.map((value) => h('option', { value })));
		list.dataset.values = unique.join('\u0000');
	}
}

function showPage(page) {
	renderRows($('sessions-body'), page.items, place.open, openSession);
	$('empty').hidden = page.items.length > 0;
	const number = place.trail.length + 1;
	const statuses = (place.filters.status || []).length ? place.filters.status.join(', ') : 'ACTIVE';
	$('page-info').textContent = `Page ${number} · ${page.items.length} session${page.items.length === 1 ? '' : 's'} `
		+ `· ${statuses}${page.nextCursor ? ' · more on the next page' : ''}`;
	$('page-prev').disabled = place.trail.length === 0;
	$('page-first').disabled = place.trail.length === 0 && !place.cursor;
	$('page-next').disabled = !page.nextCursor;
}

function showDetail(session) {
	const panel = $('detail');
	if (!session) {
		panel.hidden = true;
		return;
	}
	panel.hidden = false;
	if (session.missing) {
		$('detail-heading').textContent = `Session #${session.missing}`;
		fill($('detail-body'), h('p', { class: 'muted' }, 'The gateway no longer tracks this session.'));
		return;
	}
	renderDetail($('detail-heading'), $('detail-body'), session, (shown) => confirmForceEnd(shown, {
		failed: (error) => failed(error, `end session #${shown.id}`),
		after: async () => {
			await refresh();
			$('detail-heading').focus();
		},
	}));
}

async function openSession(id) {
	place.open = id;
	writePlace();
	showPage(lastPage);
	try {
		showDetail(await loadDetail());
		$('detail-heading').focus();
	} catch (error) {
		failed(error, `open session #${id}`);
	}
}

function closeSession() {
	const id = place.open;
	place.open = null;
	writePlace();
	showDetail(null);
	showPage(lastPage);
	const row = document.querySelector(`[data-focus-key="row-${id}"]`);
	(row || $('sessions-heading')).focus();
}

// ---- the views ----

/** Shows the sessions or the usage, as the place says. */
function showView() {
	const usage = place.view === 'usage';
	$('usage-view').hidden = !usage;
	$('sessions-view').hidden = usage;
	$('show-usage').setAttribute('aria-pressed', String(usage));
	$('show-sessions').setAttribute('aria-pressed', String(!usage));
	if (usage) {
		$('detail').hidden = true;
	}
}

function switchTo(view) {
	place.view = view;
	writePlace();
	showView();
	refresh().then(() => $(view === 'usage' ? 'usage-heading' : 'sessions-heading').focus());
}

// ---- signing in and out ----

function showSignIn(notice) {
	clearTimeout(timer);
	useCsrfToken(null);
	$('app-view').hidden = true;
	fill($('sessions-body'));
	fill($('detail-body'));
	fill($('tiles'));
	$('sign-in-view').hidden = false;
	$('sign-in-notice').textContent = notice || '';
	$('sign-in-notice').hidden = !notice;
	$('ops-key').focus();
}

function signedIn(signIn) {
	useCsrfToken(signIn.csrfToken);
	$('signed-in-as').textContent = signIn.client;
	$('sign-in-view').hidden = true;
	$('sign-in-error').textContent = '';
	$('app-view').hidden = false;
	showFiltersInForm();
	showUsageChoices(place.usage);
	showView();
	// the address shows the place as the page reads it (an interval within its bounds)
	writePlace();
	refresh().then(() => {
		if (place.view === 'usage') {
			$('usage-heading').focus();
		} else if (!place.open) {
			$('sessions-heading').focus();
		}
	});
}

async function submitSignIn(event) {
	event.preventDefault();
	const input = $('ops-key');
	const key = input.value.trim();
	input.value = '';
	const error = $('sign-in-error');
	if (!key) {
		error.textContent = 'Enter an ops key.';
		input.focus();
		return;
	}
	$('sign-in-button').disabled = true;
	error.textContent = '';
	try {
		signedIn(await signIn(key));
	} catch (failure) {
		error.textContent = failure.status === 401 ? 'That key is not valid.'
			: failure.status === 403 ? 'That key has no ops role: the console is for ops staff.' : failure.message;
		input.focus();
	} finally {
		$('sign-in-button').disabled = false;
	}
}

async function signOut() {
	try {
		await request('console/sign-out', { method: 'POST' });
	} catch (error) {
		if (!(error instanceof SignedOut)) {
			failed(error, 'sign out');
			return;
		}
	}
	showSignIn('Signed out.');
}

// ---- wiring ----

function typing(target) {
	return target.closest('input, select, textarea, [contenteditable]') !== null;
}

function onKey(event) {
	if (event.ctrlKey || event.metaKey || event.altKey || $('app-view').hidden || $('confirm-end').open) {
		return;
	}
	if (event.key === '/' && !typing(event.target) && place.view === 'sessions') {
		event.preventDefault();
		$('f-session-id').focus();
	} else if (event.key === 'r' && !typing(event.target)) {
		refresh();
	} else if (event.key === 'Escape' && place.open) {
		closeSession();
	} else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && event.target.classList.contains('row-open')) {
		event.preventDefault();
		const rows = [...document.querySelectorAll('.row-open')];
		const next = rows[rows.indexOf(event.target) + (event.key === 'ArrowDown' ? 1 : -1)];
		next?.focus();
	}
}

function wire() {
	$('time-zone').textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
	fill($('f-statuses'), STATUSES.map((status) => h('label', { class: 'check' },
		h('input', { type: 'checkbox', name: 'status', value: status }), ` ${status}`)));
	$('sign-in-form').addEventListener('submit', submitSignIn);
	$('sign-out').addEventListener('click', signOut);
	$('refresh-now').addEventListener('click', () => refresh());
	$('refresh-every').addEventListener('change', (event) => {
		place.refresh = refreshEvery(event.target.value);
		writePlace();
		schedule();
	});
	$('filters').addEventListener('submit', (event) => {
		event.preventDefault();
		place.limit = Number($('f-limit').value);
		applyFilters(readFilterForm());
	});
	$('reset-filters').addEventListener('click', () => applyFilters({ status: [] }));
	$('export-csv').addEventListener('click', () => exportCsv(query(false), {
		failed: (error) => failed(error, 'export the sessions'),
	}));
	for (const chip of document.querySelectorAll('[data-preset]')) {
		chip.addEventListener('click', () => applyFilters(PRESETS[chip.dataset.preset]()));
	}
	$('page-first').addEventListener('click', () => turn(() => {
		place.cursor = null;
		place.trail = [];
	}));
	$('page-prev').addEventListener('click', () => turn(() => {
		place.cursor = place.trail.pop() || null;
	}));
	$('page-next').addEventListener('click', () => turn(() => {
		place.trail.push(place.cursor);
		place.cursor = lastPage.nextCursor;
	}));
	$('close-detail').addEventListener('click', closeSession);
	$('show-sessions').addEventListener('click', () => switchTo('sessions'));
	$('show-usage').addEventListener('click', () => switchTo('usage'));
	$('usage-form').addEventListener('submit', (event) => {
		event.preventDefault();
		place.usage = readUsageForm();
		writePlace();
		refresh();
	});
	$('usage-export').addEventListener('click', () => exportUsage(place.usage, {
		failed: (error) => failed(error, 'export the usage'),
	}));
	document.addEventListener('keydown', onKey);
	document.addEventListener('visibilitychange', () => {
		if (!document.hidden && !$('app-view').hidden) {
			refresh({ automatic: true });
		}
	});
}

/** Moves to another page, and to the top of the table, where the page starts. */
function turn(move) {
	move();
	writePlace();
	refresh().then(() => {
		$('sessions-heading').scrollIntoView({ block: 'start' });
		$('sessions-heading').focus({ preventScroll: true });
	});
}

async function start() {
	wire();
	readPlace();
	try {
		signedIn((await json('console/session')).body);
	} catch (error) {
		showSignIn(error instanceof SignedOut ? '' : error.message);
	}
}

start();
