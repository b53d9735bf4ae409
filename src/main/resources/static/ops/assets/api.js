// Talking to the gateway: the console's own sign-in cookie travels with every request
// (the browser adds it; no script can read it), and requests that change anything carry
// the sign-in's CSRF token.

let csrfToken = null;

export function useCsrfToken(token) {
	csrfToken = token;
}

/** The console's sign-in has ended (signed out, timed out, or the key was revoked). */
export class SignedOut extends Error {
}

/** A refusal or failure, with the gateway's problem details when it sent them. */
export class ApiError extends Error {
	constructor(status, problem) {
		const fields = (problem.errors || []).map((error) => `${error.field} ${error.message}`).join('; ');
		super([problem.detail || `The gateway answered ${status}.`, fields].filter(Boolean).join(' '));
		this.status = status;
		this.problem = problem;
	}
}

/**
 * Sends a request; answers the response when it is a success. An `automatic` read is one
 * the page makes on its own (its refresh): it does not count as use of the sign-in, so a
 * console left open still times out.
 */
export async function request(path, { method = 'GET', body, accept = 'application/json', automatic = false } = {}) {
	const headers = { Accept: accept };
	if (automatic) {
		headers['X-Console-Refresh'] = 'auto';
	}
	if (body !== undefined) {
		headers['Content-Type'] = 'application/json';
	}
	if (method !== 'GET' && csrfToken) {
		headers['X-CSRF-Token'] = csrfToken;
	}
	const response = await reach(path, {
		method, headers, credentials: 'same-origin', cache: 'no-store',
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (response.status === 401) {
		throw new SignedOut();
	}
	if (response.status === 403 && method !== 'GET' && csrfToken && await renewCsrfToken()) {
		// The browser signed in again (in another tab) since this page was given its CSRF
		// token: the next try sends the current one.
		throw new ApiError(403, { detail: 'This browser signed in again since the page got its sign-in; try again.' });
	}
	if (!response.ok) {
		throw await failure(response);
	}
	return response;
}

/** Sends a request; a gateway that cannot be reached is an ApiError like any other failure. */
async function reach(path, options) {
	try {
		return await fetch(path, options);
	} catch {
		throw new ApiError(0, { detail: 'The gateway could not be reached.' });
	}
}

/** Takes the CSRF token of the sign-in the browser holds now; answers whether it changed. */
async function renewCsrfToken() {
	try {
		const response = await fetch('console/session', {
			credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
		});
		const current = response.ok ? (await response.json()).csrfToken : null;
		if (current && current !== csrfToken) {
			csrfToken = current;
			return true;
		}
	} catch {
		// the next request finds out
	}
	return false;
}

/** The error a failed answer stands for, with its problem body when it has one. */
async function failure(response) {
	let problem = {};
	try {
		problem = await response.json();
	} catch {
		// not a problem body: the status says it all
	}
	return new ApiError(response.status, problem);
}

/** Sends a request and reads its JSON answer, with the status. */
export async function json(path, options) {
	const response = await request(path, options);
	return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

/** Signs in with an ops key. The key is sent in this one body and nowhere else. */
export async function signIn(key) {
	const response = await reach('console/sign-in', {
		method: 'POST', credentials: 'same-origin', cache: 'no-store',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify({ key }),
	});
	if (!response.ok) {
		throw await failure(response);
	}
	return response.json();
}
