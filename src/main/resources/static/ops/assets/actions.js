// What ops staff do to sessions from the console: force-end one (after a confirmation),
// and export every session matching the filters as CSV.

import { SignedOut, json, request } from './api.js';
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

/**
 * Asks before force-ending a session, then ends it: `after` runs once the gateway has
 * answered (to show the outcome), `failed` when it could not end it (the sign-in has
 * ended meanwhile, or the gateway refused or failed).
 */
export function confirmForceEnd(session, { after, failed }) {
	const dialog = $('confirm-end');
	$('confirm-text').textContent = `Session ${session.sessionId || ''} (#${session.id}) at ${session.provider}, `
		+ `scope ${session.scope}, opened by ${session.client}. The gateway asks ${session.provider} to end it now, `
		+ 'and whoever still uses it loses it. This cannot be undone.';
	dialog.returnValue = '';
	dialog.addEventListener('close', () => {
		if (dialog.returnValue === 'end') {
			forceEnd(session, { after, failed });
		} else {
			$('force-end')?.focus();
		}
	}, { once: true });
	dialog.showModal();
}

async function forceEnd(session, { after, failed }) {
	const button = $('force-end');
	if (button) {
		button.disabled = true;
	}
	try {
		const answer = await json(`sessions/${session.id}/end`, { method: 'POST' });
		toast(answer.status === 202
			? `End of session #${session.id} accepted: ${session.provider} has not confirmed yet, and the gateway keeps trying.`
			: `Session #${session.id} is ${answer.body.status}.`);
	} catch (error) {
		failed(error);
		if (error instanceof SignedOut) {
			return;
		}
	} finally {
		// usable again whatever happened; a refresh that shows the outcome replaces it
		if (button) {
			button.disabled = false;
		}
	}
	await after();
}

/** A short note in the corner, gone after a few seconds (an error after a few more). */
export function toast(text, tone = '') {
	const note = h('div', { class: `toast ${tone}` }, text);
	$('toasts').append(note);
	setTimeout(() => note.remove(), tone === 'error' ? 15000 : 8000);
}

/** Downloads every session matching the filters (all pages) as the gateway's CSV. */
export async function exportCsv(params, { failed }) {
	const button = $('export-csv');
	button.disabled = true;
	try {
		const response = await request(`sessions?${params}`, { accept: 'text/csv' });
		const disposition = response.headers.get('Content-Disposition') || '';
		const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || 'sessions.csv';
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
