package dev.sessiongateway;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Swagger UI in headless Chromium under its own Content-Security-Policy: the page renders
 * the gateway's API, <em>Authorize</em> and <em>Try it out</em> call a route with a key,
 * and the browser reports no violation of the policy. A page that breaks the policy is
 * reported, so the check can fail. Chromium as for the console's browser tests (Debian's
 * {@code chromium} and {@code chromium-driver}; skipped without them unless
 * {@code CONSOLE_BROWSER_TESTS=required}). Screenshots go to
 * {@code target/console-screenshots}.
 */
class SwaggerUiBrowserTests extends GatewayTestSupport {

	private static final Path CHROMIUM = Path.of(setting("CHROMIUM", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path.of(setting("CHROMEDRIVER", "/usr/bin/chromedriver"));

	private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	/** Records every violation of the page's policy, before any of its scripts runs. */
	private static final String VIOLATIONS = """
			window.cspViolations = [];
			document.addEventListener('securitypolicyviolation', (e) =>
				window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
			""";

	private static ChromeDriver driver;

	private static WebDriverWait wait;

	private static Path profile;

	@BeforeAll
	static void startChromium() throws IOException {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			String missing = "Chromium (" + CHROMIUM + ") or chromedriver (" + CHROMEDRIVER
					+ ") is missing: install Debian's chromium and chromium-driver to run Swagger UI's browser test";
			if ("required".equals(System.getenv("CONSOLE_BROWSER_TESTS"))) {
				throw new IllegalStateException(missing + " (CONSOLE_BROWSER_TESTS=required)");
			}
			try (PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true)) {
				console.println("[WARNING] Swagger UI's browser test is SKIPPED: " + missing);
			}
			Assumptions.abort(missing);
		}
		Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
		Logger.getLogger("org.openqa.selenium.chromium").setLevel(Level.SEVERE);
		Files.createDirectories(SCREENSHOTS);
		profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withLogOutput(OutputStream.nullOutputStream())
			.build();
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1440,900",
					"--lang=en-GB");
		options.setCapability("goog:loggingPrefs", logs);
		driver = new ChromeDriver(service, options);
		driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATIONS));
		wait = new WebDriverWait(driver, Duration.ofSeconds(20));
		wait.ignoring(StaleElementReferenceException.class);
	}

	@AfterAll
	static void stopChromium() throws IOException {
		if (driver != null) {
			driver.quit();
			driver = null;
		}
		if (profile != null) {
			try (var files = Files.walk(profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	@Test
	void swaggerUiRendersAndTriesARouteWithAKeyWithoutBreakingItsPolicy() throws Exception {
		driver.get("http://127.0.0.1:" + this.port + "/swagger-ui.html");
		assertThat(shown(".swagger-ui .info .title").getText()).startsWith("session-gateway");
		WebElement stats = shown(".opblock-summary-path[data-path='/ops/sessions/stats']");

		shown(".auth-wrapper .authorize").click();
		WebElement clientKey = wait.until((browser) -> browser.findElements(By.cssSelector(".modal-ux .auth-container"))
			.stream()
			.filter((container) -> container.getText().contains("clientKey"))
			.findFirst()
			.orElse(null));
		clientKey.findElement(By.cssSelector("input")).sendKeys(OPS_KEY);
		clientKey.findElement(By.cssSelector("button.authorize")).click();
		shown(".modal-ux .btn-done").click();
		stats.click();
		WebElement operation = stats.findElement(By.xpath("ancestor::div[contains(@class,'opblock ')]"));
		operation.findElement(By.cssSelector(".try-out__btn")).click();
		operation.findElement(By.cssSelector(".execute")).click();
		WebElement status = wait.until((browser) -> operation
			.findElements(By.cssSelector(".live-responses-table .response .response-col_status"))
			.stream()
			.findFirst()
			.filter(WebElement::isDisplayed)
			.orElse(null));
		screenshot("swagger-ui-try-it-out");

		assertThat(status.getText()).startsWith("200");
		assertThat(operation.findElement(By.cssSelector(".live-responses-table .response .response-col_description"))
			.getText()).contains("endingBacklog");
		assertThat(violations()).isEmpty();
	}

	@Test
	void aScriptOrImageFromElsewhereIsBlockedAndReported() {
		driver.get("http://127.0.0.1:" + this.port + "/swagger-ui/index.html");
		shown(".swagger-ui .info .title");

		driver.executeScript("""
				const script = document.createElement('script');
				script.textContent = 'window.injected = true';
				document.body.append(script);
				const image = document.createElement('img');
				image.src = 'http://127.0.0.2:9/leak.png';
				document.body.append(image);
				""");

		wait.until((browser) -> ((List<?>) driver.executeScript("return window.cspViolations")).size() >= 2);
		assertThat(driver.executeScript("return window.injected === true")).isEqualTo(false);
		assertThat(violations()).anySatisfy((violation) -> assertThat(violation).contains("script-src"))
			.anySatisfy((violation) -> assertThat(violation).contains("img-src"));
	}

	/**
	 * The violations the page recorded, and the browser log's lines about the policy.
	 */
	@SuppressWarnings("unchecked")
	private static List<String> violations() {
		List<String> recorded = (List<String>) driver.executeScript("return window.cspViolations");
		List<String> logged = driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.map(LogEntry::getMessage)
			.filter((message) -> message.contains("Content Security Policy"))
			.toList();
		return java.util.stream.Stream.concat(recorded.stream(), logged.stream()).toList();
	}

	private static WebElement shown(String css) {
		return wait.until((browser) -> {
			List<WebElement> found = browser.findElements(By.cssSelector(css));
			return (!found.isEmpty() && found.getFirst().isDisplayed()) ? found.getFirst() : null;
		});
	}

	private static void screenshot(String name) throws IOException {
		Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
				StandardCopyOption.REPLACE_EXISTING);
	}

	private static String setting(String name, String otherwise) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : otherwise;
	}

}
