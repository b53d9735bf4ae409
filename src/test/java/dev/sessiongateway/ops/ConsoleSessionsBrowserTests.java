package dev.sessiongateway.ops;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's session table and detail, in Chromium: filters, cursor paging, a
 * session's history and last error, force-end, the CSV export.
 */
class ConsoleSessionsBrowserTests extends ConsoleBrowserTestSupport {

	@Test
	void filtersNarrowTheTableAndCursorPagingWalksEverySessionOnce() throws Exception {
		signInAsOps();
		new Select(browser.byId("f-limit")).selectByVisibleText("25");
		applyFilters(() -> {
		});

		List<String> seen = new ArrayList<>(listedSessionIds());
		assertThat(seen).hasSize(25);
		assertThat(browser.byId("page-prev").isEnabled()).isFalse();
		click("page-next");
		List<String> second = listedSessionIds();
		assertThat(browser.byId("page-info").getText()).startsWith("Page 2 · 25 sessions");
		seen.addAll(second);
		click("page-next");
		assertThat(browser.byId("page-info").getText()).startsWith("Page 3 · 10 sessions");
		assertThat(browser.byId("page-next").isEnabled()).isFalse();
		seen.addAll(listedSessionIds());
		assertThat(seen).hasSize(ACTIVE).doesNotHaveDuplicates();
		assertThat(new HashSet<>(seen)).containsAll(List.of("chat-1", "chat-2", "chat-3", "bulk-01", "bulk-55"));
		click("page-prev");
		assertThat(listedSessionIds()).isEqualTo(second);
		click("page-first");
		assertThat(listedSessionIds()).isEqualTo(seen.subList(0, 25));

		applyFilters(() -> new Select(browser.byId("f-provider")).selectByValue("konpro"));
		assertThat(browser.all("#sessions-body tr")).hasSize(2)
			.allSatisfy((row) -> assertThat(row.getText()).contains("konpro"));

		applyFilters(() -> {
			new Select(browser.byId("f-provider")).selectByValue("");
			browser.byId("f-client").sendKeys("orders-service");
			browser.find("#f-statuses input[value=ACTIVE]").click();
			browser.find("#f-statuses input[value=ENDING]").click();
		});
		assertThat(listedSessionIds()).containsExactly("chat-1", "chat-2", "chat-3", listedSessionIds().get(3),
				listedSessionIds().get(4));

		browser.find("[data-preset=ending]").click();
		browser.until((driver) -> listedSessionIds().equals(List.of("stuck-1", "stuck-2")));
		assertThat(browser.all("#sessions-body tr").get(1).getText()).contains("needs a human");
		browser.screenshot("03-stuck-ends");

		browser.find("[data-preset=failed]").click();
		browser.until((driver) -> listedSessionIds().equals(List.of("refused-1")));
		assertThat(browser.byId("f-client").getDomProperty("value")).isEmpty();
	}

	@Test
	void aSessionsDetailShowsItsHistoryWithActorsAndItsLastError() throws Exception {
		signInAsOps();
		browser.find("[data-preset=ending]").click();
		browser.until((driver) -> listedSessionIds().contains("stuck-2"));

		browser.click("[data-focus-key='row-" + idOf("stuck-2") + "']");

		browser.until((driver) -> browser.byId("detail-heading").getText().equals("Session #" + idOf("stuck-2")));
		WebElement detail = browser.byId("detail");
		assertThat(detail.findElement(org.openqa.selenium.By.cssSelector(".callout")).getText())
			.contains("end overdue, needs a human: pathors refused the connection");
		List<String> history = new ArrayList<>();
		for (WebElement entry : detail.findElements(org.openqa.selenium.By.cssSelector(".timeline li"))) {
			history.add(entry.getText().replace('\n', ' '));
		}
		assertThat(history).hasSize(3);
		assertThat(history.get(0)).contains("OPENING").contains("by billing-service");
		assertThat(history.get(1)).contains("OPENING → ACTIVE").contains("by billing-service");
		assertThat(history.get(2)).contains("ACTIVE → ENDING").contains("by billing-service").contains("CLIENT");
		assertThat(browser.all("#force-end")).hasSize(1);
		assertThat(browser.driver().getCurrentUrl()).contains("open=" + idOf("stuck-2"));
		browser.screenshot("04-detail");
		browser.script("window.scrollTo(0, 0)");
		browser.screenshot("console");
	}

	@Test
	void theCapsCardShowsEachCappedClientsUseAndADetailShowsItsLease() throws Exception {
		for (String id : java.util.List.of("capped-1", "capped-2")) {
			assertThat(call("POST", "/pathors/v1/projects/proj-c/sessions", "test-capped-key",
					"{\"session_id\":\"" + id + "\"}")
				.statusCode()).isEqualTo(201);
		}
		HttpResponse<String> leased = call("POST", "/pathors/v1/projects/proj-a/sessions", "test-own-key",
				"{\"session_id\":\"leased-1\"}");
		String lease = leased.headers().firstValue("Gateway-Lease").orElseThrow();

		signInAsOps();
		WebElement card = browser.shown("#limits-card");
		WebElement pathorsRow = browser
			.until((driver) -> card.findElements(org.openqa.selenium.By.cssSelector("tbody tr"))
				.stream()
				.filter((row) -> row.getText().contains("pathors"))
				.findFirst()
				.orElse(null));
		assertThat(pathorsRow.getText()).contains("capped-service").contains("2 / 2");
		assertThat(pathorsRow.getAttribute("class")).contains("at-cap");
		assertThat(card.getText()).contains("konpro").contains("no cap");
		browser.screenshot("11-caps");

		pathorsRow.findElement(org.openqa.selenium.By.cssSelector("button")).click();
		browser.until((driver) -> new HashSet<>(listedSessionIds()).equals(java.util.Set.of("capped-1", "capped-2")));

		click("reset-filters");
		applyFilters(() -> browser.byId("f-session-id").sendKeys("leased-1"));
		browser.click("[data-focus-key='row-" + idOf("leased-1") + "']");
		browser.until((driver) -> browser.byId("detail").getText().contains(lease));
		assertThat(browser.byId("detail").getText()).contains("Lease expires");
	}

	@Test
	void aCardForCapsIsOnlyShownWhenAClientHasCaps() throws Exception {
		this.jdbc.update("delete from client_usage");
		signInAsOps();
		assertThat(browser.byId("limits-card").isDisplayed()).isFalse();
	}

	@Test
	void forceEndAsksFirstAndThenEndsTheSessionAtItsProvider() throws Exception {
		signInAsOps();
		applyFilters(() -> browser.byId("f-session-id").sendKeys("chat-2"));
		assertThat(listedSessionIds()).containsExactly("chat-2");
		long id = idOf("chat-2");
		browser.click("[data-focus-key='row-" + id + "']");
		browser.shown("#force-end").click();

		WebElement dialog = browser.shown("#confirm-end");
		assertThat(dialog.getText()).contains("chat-2").contains("pathors").contains("orders-service");
		browser.screenshot("05-confirm-force-end");
		dialog.findElement(org.openqa.selenium.By.cssSelector("button[value=cancel]")).click();
		browser.until((driver) -> !browser.byId("confirm-end").isDisplayed());
		assertThat(pathors.activeSessionIds("proj-a")).contains("chat-2");
		assertThat(status(id)).isEqualTo("ACTIVE");

		browser.shown("#force-end").click();
		browser.shown("#confirm-end-button").click();

		browser.until((driver) -> browser.find("#detail .detail-status").getText().contains("ENDED"));
		assertThat(browser.find("#detail .detail-status").getText()).contains("reason OPS");
		List<String> history = browser.all("#detail .timeline li")
			.stream()
			.map((entry) -> entry.getText().replace('\n', ' '))
			.toList();
		assertThat(history.get(history.size() - 2)).contains("ACTIVE → ENDING").contains("by ops:ops-team");
		assertThat(history.getLast()).contains("ENDING → ENDED");
		assertThat(browser.all("#force-end")).isEmpty();
		assertThat(browser.byId("toasts").getText()).contains("ENDED");
		assertThat(pathors.activeSessionIds("proj-a")).containsExactlyInAnyOrder("chat-1", "chat-3");
		assertThat(status(id)).isEqualTo("ENDED");
		browser.until((driver) -> browser.all("#sessions-body tr").isEmpty());
		browser.screenshot("06-force-ended");
	}

	@Test
	void theExportDownloadsEveryMatchingSessionAsCsv() throws Exception {
		signInAsOps();
		browser.find("[data-preset=ending]").click();
		browser.until((driver) -> listedSessionIds().size() == 2);
		browser
			.script("""
					window.exported = null;
					const original = URL.createObjectURL;
					URL.createObjectURL = (blob) => { blob.text().then((text) => { window.exported = text; }); return original(blob); };
					""");

		browser.byId("export-csv").click();

		String csv = (String) browser.until((driver) -> browser.script("return window.exported"));
		String[] lines = csv.split("\r?\n");
		assertThat(lines).hasSize(3);
		assertThat(lines[0]).startsWith("id,provider,scope,sessionId,status");
		assertThat(lines[1]).contains(",stuck-1,ENDING,");
		assertThat(lines[2]).contains(",stuck-2,ENDING,");
		JsonNode stats = JSON.readTree(call("GET", "/ops/sessions/stats", "test-ops-key", null).body());
		assertThat(stats.path("endingBacklog").asLong()).isEqualTo(2);
	}

}
