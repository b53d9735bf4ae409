package dev.sessiongateway.ops;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When an action of the console fails, in Chromium: the page says what failed and why,
 * and stays usable, so that the same action works once the cause is gone.
 */
class ConsoleFailuresBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void aForceEndTheGatewayCannotRecordSaysWhyAndCanBeTriedAgain() throws Exception {
		signInAsOps();
		long id = openDetailOf("chat-2");
		browser.shown("#force-end").click();
		browser.shown("#confirm-end-button");

		withoutTheLedger(() -> {
			browser.byId("confirm-end-button").click();
			toastContaining("Could not end session #" + id + ":");
			browser.until((driver) -> browser.byId("force-end").isEnabled());
			browser.screenshot("08-force-end-failed");
		});

		assertThat(status(id)).isEqualTo("ACTIVE");
		assertThat(pathors.activeSessionIds("proj-a")).contains("chat-2");
		endFromTheDetail(id);
	}

	@Test
	void aForceEndRefusedForAnOlderSignInSaysWhyAndTheNextOneWorks() throws Exception {
		signInAsOps();
		long id = openDetailOf("chat-2");
		// a sign-in in another tab replaces this browser's cookie: the page's CSRF token
		// is the older sign-in's
		assertThat(browser.script("""
				return fetch('console/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ key: arguments[0] }) }).then((r) => r.status)""", "test-ops-key"))
			.isEqualTo(200L);
		browser.shown("#force-end").click();
		browser.shown("#confirm-end-button").click();

		assertThat(toastContaining("Could not end session #" + id + ":")).contains("signed in again");
		browser.until((driver) -> browser.byId("force-end").isEnabled());
		assertThat(status(id)).isEqualTo("ACTIVE");
		browser.screenshot("09-force-end-refused");

		endFromTheDetail(id);
	}

	@Test
	void aForceEndAfterTheSignInEndedAsksToSignInAgainAndThenWorks() throws Exception {
		signInAsOps();
		// no automatic refresh to find out first that the sign-in has ended
		new Select(browser.byId("refresh-every")).selectByValue("0");
		long id = openDetailOf("chat-2");
		browser.shown("#force-end").click();
		browser.shown("#confirm-end-button");
		this.jdbc.update("delete from console_session");

		browser.byId("confirm-end-button").click();

		browser.shown("#sign-in-view");
		assertThat(browser.byId("sign-in-notice").getText()).contains("Your sign-in has ended");
		assertThat(status(id)).isEqualTo("ACTIVE");
		browser.screenshot("10-force-end-signed-out");
		signIn("test-ops-key");
		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + id));
		endFromTheDetail(id);
	}

	@Test
	void anExportOrAnOpenThatFailsSaysWhatFailedAndWorksOnceTheGatewayIsBack() throws Exception {
		signInAsOps();
		long id = idOf("chat-2");

		withoutTheLedger(() -> {
			browser.byId("export-csv").click();
			toastContaining("Could not export the sessions:");
			browser.until((driver) -> browser.byId("export-csv").isEnabled());
			browser.click("[data-focus-key='row-" + id + "']");
			toastContaining("Could not open session #" + id + ":");
			browser.byId("refresh-now").click();
			browser.until((driver) -> browser.byId("banner").getText().startsWith("Could not refresh:"));
		});

		browser.byId("refresh-now").click();
		browser.until((driver) -> !browser.byId("banner").isDisplayed());
		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + id));
		browser
			.script("""
					window.exported = null;
					const original = URL.createObjectURL;
					URL.createObjectURL = (blob) => { blob.text().then((text) => { window.exported = text; }); return original(blob); };
					""");
		browser.byId("export-csv").click();
		assertThat((String) browser.until((driver) -> browser.script("return window.exported"))).contains(",chat-2,");
	}

	@Test
	void aSignOutRefusedForAnOlderSignInSaysWhyAndTheNextOneSignsOut() throws Exception {
		signInAsOps();
		assertThat(browser.script("""
				return fetch('console/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ key: arguments[0] }) }).then((r) => r.status)""", "test-ops-key"))
			.isEqualTo(200L);

		browser.byId("sign-out").click();

		assertThat(toastContaining("Could not sign out:")).contains("signed in again");
		assertThat(browser.byId("app-view").isDisplayed()).isTrue();
		browser.byId("sign-out").click();
		browser.shown("#sign-in-view");
		assertThat(browser.byId("sign-in-notice").getText()).isEqualTo("Signed out.");
		assertThat(browser.script("return fetch('sessions').then((r) => r.status)")).isEqualTo(401L);
	}

	/** Opens the detail of the session with this session id, and answers its id. */
	private long openDetailOf(String sessionId) {
		applyFilters(() -> browser.byId("f-session-id").sendKeys(sessionId));
		long id = idOf(sessionId);
		browser.click("[data-focus-key='row-" + id + "']");
		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + id));
		return id;
	}

	/** Force-ends the open session from its detail, and waits until it shows ENDED. */
	private void endFromTheDetail(long id) {
		browser.shown("#force-end").click();
		browser.shown("#confirm-end-button").click();
		browser.until((driver) -> browser.find("#detail .detail-status").getText().contains("ENDED"));
		assertThat(status(id)).isEqualTo("ENDED");
	}

	/** Waits for a note in the corner with this text, and answers all of them. */
	private String toastContaining(String text) {
		return browser.until((driver) -> {
			String toasts = browser.byId("toasts").getText();
			return toasts.contains(text) ? toasts : null;
		});
	}

	/**
	 * Runs the steps while the session table is out of reach, as when the database fails.
	 */
	private void withoutTheLedger(Steps steps) throws Exception {
		this.jdbc.execute("alter table tracked_session rename to tracked_session_away");
		try {
			steps.run();
		}
		finally {
			this.jdbc.execute("alter table tracked_session_away rename to tracked_session");
		}
	}

	private interface Steps {

		void run() throws Exception;

	}

}
