// The usage view: what each client's sessions used per UTC day (GET /ops/usage), a table
// per client, the CSV of it, and charts of live sessions, opens and ends over the last
// hours and days (GET /ops/usage/activity). A failure to load is said in the view itself,
// which stays usable: the next refresh or Apply tries again.

import { toast } from './actions.js';
import { SignedOut, json, request } from './api.js';
import { barChart, lineChart } from './charts.js';
import { age, count, fill, h, localTime } from './dom.js';

const $ = (id) => document.getElementById(id);

/** The hours and days the charts cover. */
const HOURS = 48;
const DAYS = 14;

/** The usage query for the applied choices (empty ones are left to the gateway's defaults). */
export function usageQuery(choices) {
	const params = new URLSearchParams();
	for (const name of ['from', 'to', 'client']) {
		if (choices[name]) {
			params.set(name, choices[name]);
		}
	}
	return params;
}

/** The choices as the form has them. */
export function readUsageForm() {
	return { from: $('u-from').value, to: $('u-to').value, client: $('u-client').value.trim() };
}

export function showUsageChoices(choices) {
	$('u-from').value = choices.from || '';
	$('u-to').value = choices.to || '';
	$('u-client').value = choices.client || '';
}

/**
 * Reads the usage and the activity and shows them; answers whether it could. A failure
 * (but the end of the sign-in, which is thrown on) is shown in the view, and what was
 * shown before stays.
 */
export async function refreshUsage(choices, options) {
	const view = $('usage-view');
	view.setAttribute('aria-busy', 'true');
	$('usage-status').textContent = 'Loading…';
	try {
		const [usage, activity] = await Promise.all([json(`usage?${usageQuery(choices)}`, options),
			json(`usage/activity?hours=${HOURS}&days=${DAYS}`, options)]);
		showUsage(usage.body);
		showActivity(activity.body);
		$('usage-error').hidden = true;
		$('usage-status').textContent = `${usage.body.from} to ${usage.body.to} (UTC days) · counted `
			+ `${localTime(usage.body.countedAt)}`;
		return true;
	} catch (error) {
		if (error instanceof SignedOut) {
			throw error;
		}
		$('usage-error').textContent = `Could not load the usage: ${error.message}`;
		$('usage-error').hidden = false;
		$('usage-status').textContent = '';
		return false;
	} finally {
		view.removeAttribute('aria-busy');
	}
}

const seconds = (value) => h('span', { title: `${value} s` }, age(Number(value)));

function showUsage(usage) {
	fill($('usage-totals'), usage.clients.length === 0
		? h('p', { class: 'muted empty-small' }, 'No session was live in these days.')
		: h('table', { class: 'compact' },
			h('caption', { class: 'visually-hidden' }, 'Each client\'s usage over the days'),
			h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Client'), h('th', { scope: 'col', class: 'num' }, 'Opens'),
				h('th', { scope: 'col', class: 'num' }, 'Session time'))),
			h('tbody', {}, usage.clients.map((client) => h('tr', { dataset: { client: client.client } },
				h('td', {}, client.client), h('td', { class: 'num' }, count(client.opens)),
				h('td', { class: 'num' }, seconds(client.sessionSeconds)))))));
	const byClient = new Map();
	for (const row of usage.days) {
		byClient.set(row.client, [...(byClient.get(row.client) || []), row]);
	}
	fill($('usage-clients'), [...byClient].map(([client, rows]) => h('section', {
		class: 'card usage-client', dataset: { client }, 'aria-label': `Usage of ${client}`,
	}, h('h3', {}, client), h('table', { class: 'compact' },
		h('thead', {}, h('tr', {}, ['Day (UTC)', 'Provider', 'Scope'].map((name) => h('th', { scope: 'col' }, name)),
			h('th', { scope: 'col', class: 'num' }, 'Opens'), h('th', { scope: 'col', class: 'num' }, 'Session time'),
			h('th', { scope: 'col', class: 'num' }, 'Seconds'))),
		h('tbody', {}, rows.map((row) => h('tr', {},
			h('td', {}, row.day), h('td', {}, row.provider), h('td', { class: 'mono' }, row.scope),
			h('td', { class: row.opens === 0 ? 'num zero' : 'num' }, count(row.opens)),
			h('td', { class: 'num' }, seconds(row.sessionSeconds)),
			h('td', { class: 'num mono' }, row.sessionSeconds))))))));
}

/** Per bucket start, the sum over the providers of one figure. */
function sums(buckets, figure) {
	const byStart = new Map();
	for (const bucket of buckets) {
		byStart.set(bucket.start, (byStart.get(bucket.start) || 0) + bucket[figure]);
	}
	return byStart;
}

const hourLabel = (iso) => localTime(iso).substring(5, 16);
const dayLabel = (iso) => iso.substring(0, 10);

function showActivity(activity) {
	const hours = [...sums(activity.hourly, 'opens').keys()];
	const providers = [...new Set(activity.hourly.map((bucket) => bucket.provider))];
	const live = providers.map((provider) => ({
		name: provider,
		values: hours.map((start) => activity.hourly.find((b) => b.start === start && b.provider === provider)?.live || 0),
	}));
	const days = [...sums(activity.daily, 'opens').keys()];
	const hourlyOpens = sums(activity.hourly, 'opens');
	const hourlyEnds = sums(activity.hourly, 'ends');
	const dailyOpens = sums(activity.daily, 'opens');
	const dailyEnds = sums(activity.daily, 'ends');
	fill($('usage-charts'),
		chartCard('chart-live', `Live sessions · last ${HOURS} hours`,
			lineChart(`Live sessions at the end of each of the last ${HOURS} hours, per provider`, hours.map(hourLabel), live),
			providers.map((provider, index) => h('span', { class: `legend series-${index % 4}` }, provider))),
		chartCard('chart-hourly', `Opens and ends · last ${HOURS} hours`,
			barChart(`Sessions opened and ended in each of the last ${HOURS} hours`, hours.map(hourLabel),
				hours.map((start) => hourlyOpens.get(start)), hours.map((start) => hourlyEnds.get(start))),
			legendOpensEnds()),
		chartCard('chart-daily', `Opens and ends · last ${DAYS} days (UTC)`,
			barChart(`Sessions opened and ended on each of the last ${DAYS} UTC days`, days.map(dayLabel),
				days.map((start) => dailyOpens.get(start)), days.map((start) => dailyEnds.get(start))),
			legendOpensEnds()));
}

function legendOpensEnds() {
	return [h('span', { class: 'legend bar-opens' }, 'opens'), h('span', { class: 'legend bar-ends' }, 'ends')];
}

function chartCard(id, title, chart, legend) {
	return h('figure', { class: 'card chart-card', id }, h('figcaption', {}, h('h3', {}, title), h('span', { class: 'legends' }, legend)),
		chart);
}

/** Downloads the usage of the applied choices as the gateway's CSV. */
export async function exportUsage(choices, { failed }) {
	const button = $('usage-export');
	button.disabled = true;
	try {
		const params = usageQuery(choices);
		params.set('format', 'csv');
		const response = await request(`usage?${params}`, { accept: 'text/csv' });
		const disposition = response.headers.get('Content-Disposition') || '';
		const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || 'usage.csv';
		const url = URL.createObjectURL(await response.blob());
		const link = h('a', { href: url, download: name, hidden: true });
		document.body.append(link);
		link.click();
		link.remove();
		setTimeout(() => URL.revokeObjectURL(url), 60000);
		toast(`Exported ${name}.`);
	} catch (error) {
		failed(error);
	} finally {
		button.disabled = false;
	}
}
