package dev.sessiongateway.ops;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's usage view, in Chromium: a table per client with what its sessions used,
 * the charts the page draws of live sessions, opens and ends, and a failure to load that
 * the view says and gets over.
 */
class ConsoleUsageBrowserTests extends ConsoleBrowserTestSupport {

	/**
	 * Opens after seeding: orders-service three Pathors and two Konpro; billing-service
	 * the bulk and two.
	 */
	private static final long ORDERS_OPENS = 3 + 2;

	private static final long BILLING_OPENS = BULK + 2;

	private void showUsage() {
		browser.byId("show-usage").click();
		waitForUsage();
	}

	private void waitForUsage() {
		browser.until((driver) -> !browser.all("#usage-totals tbody tr").isEmpty()
				&& browser.byId("usage-status").getText().contains("counted"));
	}

	private String totalOf(String client) {
		return browser.find("#usage-totals tr[data-client='" + client + "']").getText();
	}

	@Test
	void theUsageViewShowsATablePerClientAndChartsOfLiveSessionsOpensAndEnds() throws Exception {
		assertThat(call("DELETE", "/pathors/v1/projects/proj-a/sessions", "test-service-key",
				"{\"session_id\":\"chat-3\"}")
			.statusCode()).isEqualTo(200);
		signInAsOps();

		showUsage();

		assertThat(totalOf("orders-service")).contains(" " + ORDERS_OPENS + " ");
		assertThat(totalOf("billing-service")).contains(" " + BILLING_OPENS + " ");
		List<WebElement> clients = browser.all("#usage-clients .usage-client");
		assertThat(clients).extracting((card) -> card.getDomAttribute("data-client"))
			.containsExactly("billing-service", "orders-service");
		String orders = clients.get(1).getText();
		assertThat(orders).contains("pathors").contains("proj-a").contains("konpro");
		assertThat(browser.all("#usage-charts svg.chart")).hasSize(3);
		WebElement hourly = browser.find("#chart-hourly svg");
		assertThat(hourly.getDomAttribute("data-opens")).isEqualTo(String.valueOf(ORDERS_OPENS + BILLING_OPENS));
		assertThat(hourly.getDomAttribute("data-ends")).as("chat-3, and the two ends not confirmed are not over")
			.isEqualTo("1");
		assertThat(browser.find("#chart-daily svg").getDomAttribute("data-opens"))
			.isEqualTo(String.valueOf(ORDERS_OPENS + BILLING_OPENS));
		assertThat(browser.all("#chart-live polyline")).extracting((line) -> line.getDomAttribute("data-series"))
			.containsExactlyInAnyOrder("konpro", "pathors");
		assertThat(browser.driver().getCurrentUrl()).contains("view=usage");
		assertThat(browser.byId("sessions-view").isDisplayed()).isFalse();
		browser.screenshot("12-usage");
		browser.script("document.getElementById('usage-charts').scrollIntoView()");
		browser.screenshot("12-usage-charts");
		browser.script("window.scrollTo(0, 0)");

		browser.byId("u-client").sendKeys("billing-service");
		browser.find("#usage-form button[type=submit]").click();
		browser.until((driver) -> browser.all("#usage-clients .usage-client").size() == 1);
		assertThat(browser.find("#usage-clients .usage-client").getDomAttribute("data-client"))
			.isEqualTo("billing-service");
		assertThat(browser.driver().getCurrentUrl()).contains("usageClient=billing-service");

		browser.driver().navigate().refresh();
		browser.shown("#usage-view");
		waitForUsage();
		assertThat(browser.all("#usage-clients .usage-client")).hasSize(1);
		assertThat(browser.byId("u-client").getDomProperty("value")).isEqualTo("billing-service");

		browser.byId("show-sessions").click();
		waitForRows();
		assertThat(browser.byId("usage-view").isDisplayed()).isFalse();
		assertThat(browser.driver().getCurrentUrl()).doesNotContain("view=usage");
	}

	@Test
	void aUsageThatCannotBeLoadedSaysWhyAndLoadsOnceTheCauseIsGone() throws Exception {
		signInAsOps();
		this.jdbc.execute("alter table usage_daily rename to usage_daily_away");
		try {
			browser.byId("show-usage").click();
			String error = browser.until((driver) -> {
				WebElement shown = browser.byId("usage-error");
				return shown.isDisplayed() && !shown.getText().isEmpty() ? shown.getText() : null;
			});
			assertThat(error).startsWith("Could not load the usage:");
			browser.until((driver) -> browser.byId("usage-view").getDomAttribute("aria-busy") == null);
			assertThat(browser.byId("usage-status").getText()).doesNotContain("Loading");
			assertThat(browser.find("#usage-form button[type=submit]").isEnabled()).isTrue();
			assertThat(browser.byId("app-view").isDisplayed()).as("still signed in").isTrue();
			browser.screenshot("13-usage-failed");
		}
		finally {
			this.jdbc.execute("alter table usage_daily_away rename to usage_daily");
		}

		browser.find("#usage-form button[type=submit]").click();
		waitForUsage();
		assertThat(browser.byId("usage-error").isDisplayed()).isFalse();
		assertThat(totalOf("billing-service")).contains(" " + BILLING_OPENS + " ");
		assertThat(browser.all("#usage-charts svg.chart")).hasSize(3);
	}

}
