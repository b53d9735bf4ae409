package dev.sessiongateway.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
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
 * The ops console in a real browser (headless Chromium, one per test class) against the
 * whole gateway and both provider simulators (shared by every such class, so that they
 * share one application context). Every test starts signed out, with the same sessions:
 * three Pathors and two Konpro sessions opened through the gateway, a bulk of Pathors
 * sessions, two unconfirmed ends (one flagged for a human) and a refused open.
 * Screenshots go to {@code target/console-screenshots}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
abstract class ConsoleBrowserTestSupport {

	protected static final PathorsSimulator pathors = new PathorsSimulator(0, "dk_simulated").start();

	protected static final KonproSimulator konpro = new KonproSimulator(0, "konpro-simulated").start();

	protected static final JsonMapper JSON = JsonMapper.builder().build();

	protected static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/** The bulk of Pathors sessions. */
	protected static final int BULK = 55;

	/** Sessions ACTIVE after seeding: three Pathors, two Konpro, and the bulk. */
	protected static final int ACTIVE = 3 + 2 + BULK;

	protected static ConsoleBrowser browser;

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
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.close();
			browser = null;
		}
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
		this.jdbc.update("delete from usage_daily");
		this.jdbc.update("delete from activity_hourly");
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

	String console() {
		return "http://127.0.0.1:" + this.port + "/ops/";
	}

	HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
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

	void signIn(String key) {
		WebElement input = browser.shown("#ops-key");
		input.clear();
		input.sendKeys(key, Keys.ENTER);
	}

	String signInError(String containing) {
		return browser.until((driver) -> {
			String error = browser.byId("sign-in-error").getText();
			return error.contains(containing) ? error : null;
		});
	}

	void signInAsOps() {
		browser.open(console());
		signIn("test-ops-key");
		browser.shown("#app-view");
		waitForRows();
	}

	void waitForRows() {
		browser.until((driver) -> !browser.all("#sessions-body tr").isEmpty() || browser.byId("empty").isDisplayed());
	}

	String tile(String key) {
		return browser.find("[data-focus-key='" + key + "'] .tile-value").getText();
	}

	/**
	 * The session ids in the table, read at once (the table may be re-rendered
	 * meanwhile).
	 */
	@SuppressWarnings("unchecked")
	List<String> listedSessionIds() {
		return (List<String>) browser.script(
				"return [...document.querySelectorAll('#sessions-body tr')].map((row) => row.cells[3].textContent)");
	}

	void applyFilters(Runnable fill) {
		String before = browser.byId("page-info").getText() + browser.byId("refreshed").getText();
		fill.run();
		browser.find("#filters button[type=submit]").click();
		browser.until(
				(driver) -> !before.equals(browser.byId("page-info").getText() + browser.byId("refreshed").getText()));
	}

	void click(String id) {
		String before = browser.byId("page-info").getText() + listedSessionIds();
		browser.byId(id).click();
		browser.until((driver) -> !before.equals(browser.byId("page-info").getText() + listedSessionIds()));
	}

	long idOf(String sessionId) {
		return this.jdbc.queryForObject("select id from tracked_session where session_id = ?", Long.class, sessionId);
	}

	String status(long id) {
		return this.jdbc.queryForObject("select status from tracked_session where id = ?", String.class, id);
	}

}
