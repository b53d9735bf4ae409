package dev.sessiongateway.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.sessiongateway.simulator.KonproSimulator;
import dev.sessiongateway.simulator.PathorsSimulator;
import dev.sessiongateway.tracking.EndReason;
import dev.sessiongateway.tracking.FakeProvider;
import dev.sessiongateway.tracking.OpenIntent;
import dev.sessiongateway.tracking.SessionKey;
import dev.sessiongateway.tracking.SessionTracker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops console in a real browser (headless Chromium) against the whole gateway and
 * both provider simulators, as ops staff use it: sign in, read the live counts, filter,
 * page, open a session, force-end it, keep their place while it refreshes, sign out.
 * Screenshots go to {@code target/console-screenshots}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConsoleBrowserTests {

	private static final PathorsSimulator pathors = new PathorsSimulator(0, "dk_simulated").start();

	private static final KonproSimulator konpro = new KonproSimulator(0, "konpro-simulated").start();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/** Sessions ACTIVE after seeding: three Pathors, two Konpro, and the bulk. */
	private static final int BULK = 55;

	private static final int ACTIVE = 3 + 2 + BULK;

	private static ConsoleBrowser browser;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	SessionTracker tracker;

	@DynamicPropertySource
	static void simulators(DynamicPropertyRegistry registry) {
		registry.add("gateway.pathors.base-url", pathors::baseUrl);
		registry.add("gateway.pathors.api-key", () -> "dk_simulated");
		registry.add("gateway.konpro.base-url", konpro::baseUrl);
		registry.add("gateway.konpro.api-key", () -> "konpro-simulated");
		registry.add("gateway.ops.stats-max-age", () -> "0s");
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		browser = ConsoleBrowser.startOrSkip();
	}

	@AfterAll
	static void stopBrowserAndSimulators() throws IOException {
		if (browser != null) {
			browser.close();
		}
		pathors.stop();
		konpro.stop();
	}

	@BeforeEach
	void seed() throws Exception {
		browser.open(console());
		browser.driver().manage().deleteAllCookies();
		pathors.reset();
		konpro.reset();
		this.jdbc.update("delete from console_session");
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
		for (int i = 1; i <= 3; i++) {
			assertThat(call("POST", "/pathors/v1/projects/proj-a/sessions", "test-service-key",
					"{\"session_id\":\"chat-" + i + "\"}")
				.statusCode()).isEqualTo(201);
		}
		for (int i = 1; i <= 2; i++) {
			assertThat(call("POST", "/konpro/v1/widget/sessions", "test-service-key",
					"{\"agentic_avatar_id\":\"avatar-" + i + "\"}")
				.statusCode()).isEqualTo(200);
		}
		FakeProvider bulk = new FakeProvider("pathors");
		for (int i = 1; i <= BULK; i++) {
			this.tracker.open(bulk, new OpenIntent("proj-b", "bulk-%02d".formatted(i), new byte[0]), "billing-service");
		}
		FakeProvider down = new FakeProvider("pathors").faults((op, key) -> FakeProvider.Fault.UNREACHABLE);
		for (String id : List.of("stuck-1", "stuck-2")) {
			this.tracker.open(bulk, new OpenIntent("proj-b", id, new byte[0]), "billing-service");
			this.tracker.end(down, new SessionKey("pathors", "proj-b", id), "billing-service", EndReason.CLIENT);
		}
		this.jdbc.update("""
				update tracked_session set flagged_at = ending_since,
				last_error = 'end overdue, needs a human: pathors refused the connection'
				where session_id = 'stuck-2'""");
		FakeProvider refusing = new FakeProvider("pathors").faults((op, key) -> FakeProvider.Fault.REFUSED);
		this.tracker.open(refusing, new OpenIntent("proj-b", "refused-1", new byte[0]), "billing-service");
	}

	private String console() {
		return "http://127.0.0.1:" + this.port + "/ops/";
	}

	private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", "Bearer " + key);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private void signIn(String key) {
		WebElement input = browser.shown("#ops-key");
		input.clear();
		input.sendKeys(key, Keys.ENTER);
	}

	private String signInError(String containing) {
		return browser.until((driver) -> {
			String error = browser.byId("sign-in-error").getText();
			return error.contains(containing) ? error : null;
		});
	}

	private void signInAsOps() {
		browser.open(console());
		signIn("test-ops-key");
		browser.shown("#app-view");
		waitForRows();
	}

	private void waitForRows() {
		browser.until((driver) -> !browser.all("#sessions-body tr").isEmpty() || browser.byId("empty").isDisplayed());
	}

	private String tile(String key) {
		return browser.find("[data-focus-key='" + key + "'] .tile-value").getText();
	}

	/**
	 * The session ids in the table, read at once (the table may be re-rendered
	 * meanwhile).
	 */
	@SuppressWarnings("unchecked")
	private List<String> listedSessionIds() {
		return (List<String>) browser.script(
				"return [...document.querySelectorAll('#sessions-body tr')].map((row) => row.cells[3].textContent)");
	}

	private void applyFilters(Runnable fill) {
		String before = browser.byId("page-info").getText() + browser.byId("refreshed").getText();
		fill.run();
		browser.find("#filters button[type=submit]").click();
		browser.until(
				(driver) -> !before.equals(browser.byId("page-info").getText() + browser.byId("refreshed").getText()));
	}

	private void click(String id) {
		String before = browser.byId("page-info").getText() + listedSessionIds();
		browser.byId(id).click();
		browser.until((driver) -> !before.equals(browser.byId("page-info").getText() + listedSessionIds()));
	}

	private long idOf(String sessionId) {
		return this.jdbc.queryForObject("select id from tracked_session where session_id = ?", Long.class, sessionId);
	}

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

	private String status(long id) {
		return this.jdbc.queryForObject("select status from tracked_session where id = ?", String.class, id);
	}

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
