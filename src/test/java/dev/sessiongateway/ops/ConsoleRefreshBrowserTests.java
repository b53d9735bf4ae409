package dev.sessiongateway.ops;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console keeps the user's place while it refreshes, and works from the keyboard, in
 * Chromium.
 */
class ConsoleRefreshBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void autoRefreshKeepsTheFiltersThePageTheOpenSessionAndTheFocus() throws Exception {
		signInAsOps();
		new Select(browser.byId("refresh-every")).selectByValue("5");
		new Select(browser.byId("f-limit")).selectByVisibleText("25");
		applyFilters(() -> browser.find("#f-statuses input[value=ACTIVE]").click());
		click("page-next");
		String rowKey = browser.find("#sessions-body tr:nth-child(3) .row-open").getAttribute("data-focus-key");
		String id = rowKey.substring("row-".length());
		browser.click("[data-focus-key='" + rowKey + "']");
		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + id));
		// half-typed filters, not applied yet
		browser.byId("f-client").sendKeys("orders");
		new Select(browser.byId("f-provider")).selectByValue("konpro");
		browser.script("document.querySelector(arguments[0]).focus()", "[data-focus-key='" + rowKey + "']");
		String url = browser.driver().getCurrentUrl();
		List<String> page = listedSessionIds();

		assertThat(call("POST", "/pathors/v1/projects/proj-a/sessions", "test-service-key",
				"{\"session_id\":\"chat-new\"}")
			.statusCode()).isEqualTo(201);
		browser.until((driver) -> tile("tile-live").equals(String.valueOf(ACTIVE + 3)));

		assertThat(browser.driver().getCurrentUrl()).isEqualTo(url).contains("open=" + id).contains("refresh=5");
		assertThat(browser.byId("page-info").getText()).startsWith("Page 2 · 25 sessions");
		assertThat(listedSessionIds()).isEqualTo(page);
		assertThat(browser.byId("detail-heading").getText()).isEqualTo("Session #" + id);
		assertThat(browser.focused()).isEqualTo(rowKey);
		assertThat(browser.byId("f-limit").getDomProperty("value")).isEqualTo("25");
		assertThat(browser.byId("f-client").getDomProperty("value")).isEqualTo("orders");
		assertThat(browser.byId("f-provider").getDomProperty("value")).isEqualTo("konpro");

		browser.driver().navigate().refresh();
		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + id));
		waitForRows();
		assertThat(browser.byId("page-info").getText()).startsWith("Page 2");
		assertThat(listedSessionIds()).isEqualTo(page);
	}

	@Test
	void anAddressCannotMakeThePagePollBackToBack() throws Exception {
		browser.open(console() + "#refresh=0.01");
		// the page is open already: only its address changed
		browser.driver().navigate().refresh();
		signIn("test-ops-key");
		browser.shown("#app-view");
		waitForRows();
		browser.script("""
				window.reads = 0;
				const original = window.fetch;
				window.fetch = (...args) => {
					window.reads++;
					return original(...args);
				};""");

		Thread.sleep(3000);

		assertThat(browser.script("return window.reads")).isEqualTo(0L);
		assertThat(browser.driver().getCurrentUrl()).contains("refresh=5").doesNotContain("0.01");
		assertThat(browser.byId("refresh-every").getDomProperty("value")).isEqualTo("5");
		browser.until((driver) -> (Long) browser.script("return window.reads") > 0);
	}

	@Test
	void theAutomaticRefreshDoesNotKeepTheSignInAliveButUseDoes() throws Exception {
		signInAsOps();
		new Select(browser.byId("refresh-every")).selectByValue("5");
		Instant soon = Instant.now().plus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.MICROS);
		this.jdbc.update("update console_session set idle_until = ?", Timestamp.from(soon));
		String updated = browser.byId("refreshed").getText();

		browser.until((driver) -> !updated.equals(browser.byId("refreshed").getText()));

		assertThat(idleUntil()).isEqualTo(soon);
		String again = browser.byId("refreshed").getText();
		Thread.sleep(1100);
		browser.byId("refresh-now").click();
		browser.until((driver) -> !again.equals(browser.byId("refreshed").getText()));
		assertThat(idleUntil()).isAfter(Instant.now().plus(Duration.ofMinutes(29)));

		this.jdbc.update("update console_session set idle_until = ?",
				Timestamp.from(Instant.now().plus(Duration.ofSeconds(2))));
		browser.shown("#sign-in-view");
		assertThat(browser.byId("sign-in-notice").getText()).contains("Your sign-in has ended");
	}

	private Instant idleUntil() {
		return this.jdbc.queryForObject("select idle_until from console_session",
				(rs, n) -> rs.getTimestamp(1).toInstant());
	}

	@Test
	void theConsoleIsUsableFromTheKeyboard() throws Exception {
		signInAsOps();
		browser.find("body").sendKeys("/");
		assertThat(browser.focused()).isEqualTo("f-session-id");
		String before = browser.byId("page-info").getText();
		browser.byId("f-session-id").sendKeys("bulk-0", Keys.ENTER);
		browser.until((driver) -> listedSessionIds().isEmpty() && !before.equals(browser.byId("page-info").getText()));
		browser.byId("f-session-id").clear();
		browser.byId("f-session-id").sendKeys(Keys.ENTER);
		browser.until((driver) -> listedSessionIds().size() == 50);

		WebElement first = browser.find("#sessions-body .row-open");
		browser.script("arguments[0].focus()", first);
		first.sendKeys(Keys.ARROW_DOWN);
		String second = browser.all("#sessions-body .row-open").get(1).getAttribute("data-focus-key");
		assertThat(browser.focused()).isEqualTo(second);
		browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
		browser.until((driver) -> browser.byId("detail").isDisplayed());
		assertThat(browser.focused()).isEqualTo("detail-heading");
		browser.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
		browser.until((driver) -> !browser.byId("detail").isDisplayed());
		assertThat(browser.focused()).isEqualTo(second);
		String updated = browser.byId("refreshed").getText();
		Thread.sleep(1100);
		browser.driver().switchTo().activeElement().sendKeys("r");
		browser.until((driver) -> !updated.equals(browser.byId("refreshed").getText()));
	}

}
