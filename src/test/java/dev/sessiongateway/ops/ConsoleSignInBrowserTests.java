package dev.sessiongateway.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in to the console and out, in Chromium: wrong keys refused, the live counts
 * shown, the key kept nowhere, the sign-in ended on the server.
 */
class ConsoleSignInBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void wrongKeysAreRefusedAndAnOpsKeySeesTheLiveCounts() throws Exception {
		browser.open(console());
		browser.shown("#ops-key");
		browser.screenshot("01-sign-in");

		signIn("not-a-key");
		assertThat(signInError("not valid")).isEqualTo("That key is not valid.");
		signIn("test-service-key");
		assertThat(signInError("ops role")).isEqualTo("That key has no ops role: the console is for ops staff.");
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();

		signIn("test-ops-key");
		browser.shown("#app-view");
		waitForRows();

		assertThat(tile("tile-live")).isEqualTo(String.valueOf(ACTIVE + 2));
		assertThat(tile("tile-pathors")).isEqualTo(String.valueOf(3 + BULK));
		assertThat(tile("tile-konpro")).isEqualTo("2");
		assertThat(tile("tile-backlog")).isEqualTo("2");
		assertThat(tile("tile-flagged")).isEqualTo("1");
		assertThat(browser.find("[data-focus-key='tile-flagged']").getAttribute("class")).contains("alert");
		assertThat(browser.byId("by-client").getText()).contains("billing-service").contains("orders-service");
		assertThat(browser.byId("by-scope").getText()).contains("proj-a").contains("proj-b").contains("test-account");
		assertThat(browser.byId("signed-in-as").getText()).isEqualTo("ops-team");
		// the key is nowhere in the page, its storage or its cookies (the sign-in cookie
		// is HttpOnly)
		assertThat(browser.driver().getPageSource()).doesNotContain("test-ops-key");
		assertThat(browser.script("return localStorage.length + sessionStorage.length")).isEqualTo(0L);
		assertThat(browser.script("return document.cookie")).isEqualTo("");
		assertThat(browser.driver().getCurrentUrl()).doesNotContain("test-ops-key");
		browser.screenshot("02-overview");
	}

	@Test
	void signingOutEndsTheSignInAndLeavesNoDataOnThePage() throws Exception {
		signInAsOps();
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isEqualTo(1);

		browser.byId("sign-out").click();

		browser.shown("#sign-in-view");
		assertThat(browser.byId("sign-in-notice").getText()).isEqualTo("Signed out.");
		assertThat(browser.byId("app-view").isDisplayed()).isFalse();
		assertThat(browser.all("#sessions-body tr")).isEmpty();
		assertThat(this.jdbc.queryForObject("select count(*) from console_session", Long.class)).isZero();
		assertThat(browser.script("return fetch('sessions').then((r) => r.status)")).isEqualTo(401L);
		browser.driver().navigate().refresh();
		browser.shown("#ops-key");
		assertThat(browser.byId("app-view").isDisplayed()).isFalse();
		browser.screenshot("07-signed-out");
	}

}
