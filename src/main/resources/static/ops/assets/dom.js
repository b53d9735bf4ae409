// Small helpers for building the page: elements from data (text only, never markup),
// and the formatting of times, ages and counts.

/** An element with attributes, properties and children; strings become text nodes. */
export function h(tag, props = {}, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(props)) {
		if (value === undefined || value === null || value === false) {
			continue;
		}
		if (name === 'class') {
			element.className = value;
		} else if (name === 'dataset') {
			Object.assign(element.dataset, value);
		} else if (name.startsWith('on')) {
			element.addEventListener(name.substring(2), value);
		} else if (value === true) {
			element.setAttribute(name, '');
		} else {
			element.setAttribute(name, String(value));
		}
	}
	for (const child of children.flat()) {
		if (child !== undefined && child !== null && child !== false) {
			element.append(child instanceof Node ? child : String(child));
		}
	}
	return element;
}

/** Replaces an element's children. */
export function fill(element, ...children) {
	element.replaceChildren(...children.flat().filter((child) => child !== undefined && child !== null));
}

const twoDigits = (n) => String(n).padStart(2, '0');

/** A local date and time, to the second: 2026-12-01 09:14:03. */
export function localTime(iso) {
	const at = new Date(iso);
	return `${at.getFullYear()}-${twoDigits(at.getMonth() + 1)}-${twoDigits(at.getDate())} `
		+ `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}:${twoDigits(at.getSeconds())}`;
}

/** A duration in seconds, as ops staff read it: 45s, 12m 03s, 3h 05m, 2d 4h. */
export function age(seconds) {
	const s = Math.max(0, Math.floor(seconds));
	if (s < 60) {
		return `${s}s`;
	}
	if (s < 3600) {
		return `${Math.floor(s / 60)}m ${twoDigits(s % 60)}s`;
	}
	if (s < 86400) {
		return `${Math.floor(s / 3600)}h ${twoDigits(Math.floor((s % 3600) / 60))}m`;
	}
	return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** How long ago an instant was: "12m 03s ago", or "in 5m 00s" for one to come. */
export function ago(iso, now = Date.now()) {
	const seconds = (now - new Date(iso).getTime()) / 1000;
	return seconds >= 0 ? `${age(seconds)} ago` : `in ${age(-seconds)}`;
}

/** A local time, short: the time of day for today, the date and minute before. */
export function shortTime(iso, now = new Date()) {
	const full = localTime(iso);
	return full.substring(0, 10) === localTime(now.toISOString()).substring(0, 10) ? full.substring(11) : full.substring(0, 16);
}

/** A time element: how long ago, then the local time; the exact instant in its tooltip. */
export function timeOf(iso) {
	if (!iso) {
		return h('span', { class: 'muted' }, '–');
	}
	return h('time', { datetime: iso, title: `${localTime(iso)} (${iso})` }, ago(iso), h('span', { class: 'sub' }, shortTime(iso)));
}

/** A value for a datetime-local input from an ISO instant (local time, to the second). */
export function toLocalInput(iso) {
	return iso ? localTime(iso).replace(' ', 'T') : '';
}

/** An ISO instant from a datetime-local input's value (read as local time). */
export function fromLocalInput(value) {
	if (!value) {
		return '';
	}
	const at = new Date(value);
	return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

export const count = (n) => Number(n).toLocaleString('en');
