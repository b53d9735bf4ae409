package dev.sessiongateway.ops;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its own chromedriver (no driver or browser
 * is ever downloaded), with a fresh profile. Without Chromium the console's browser tests
 * are skipped with a message saying so, unless {@code CONSOLE_BROWSER_TESTS=required}
 * (set by {@code .ci/run}), where they fail.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path CHROMIUM = Path.of(setting("CHROMIUM", "/usr/bin/chromium"));

	static final Path CHROMEDRIVER = Path.of(setting("CHROMEDRIVER", "/usr/bin/chromedriver"));

	/**
	 * Selenium's own loggers, kept quiet: this Selenium has no DevTools protocol module
	 * for Debian's newer Chromium, which the tests do not use (they drive it over
	 * WebDriver).
	 */
	private static final List<Logger> QUIET = List.of(Logger.getLogger("org.openqa.selenium.devtools"),
			Logger.getLogger("org.openqa.selenium.chromium"));

	static {
		QUIET.forEach((logger) -> logger.setLevel(Level.SEVERE));
	}

	/** Where the screenshots go. */
	static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	private final ChromeDriver driver;

	private final WebDriverWait wait;

	private final Path profile;

	private ConsoleBrowser(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
		this.wait.ignoring(StaleElementReferenceException.class);
		this.profile = profile;
	}

	/** Starts Chromium; skips the calling tests when it is missing and not required. */
	static ConsoleBrowser startOrSkip() throws IOException {
		if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
			String missing = "Chromium (" + CHROMIUM + ") or chromedriver (" + CHROMEDRIVER
					+ ") is missing: install Debian's chromium and chromium-driver to run the console's browser tests";
			if ("required".equals(System.getenv("CONSOLE_BROWSER_TESTS"))) {
				throw new IllegalStateException(missing + " (CONSOLE_BROWSER_TESTS=required)");
			}
			// straight to the build's console: the tests' own output goes to a report
			// file
			try (PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true)) {
				console.println("[WARNING] The console's browser tests are SKIPPED: " + missing);
			}
			Assumptions.abort(missing);
		}
		Files.createDirectories(SCREENSHOTS);
		Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-profile-");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.withEnvironment(Map.of("TZ", "UTC"))
			.withLogOutput(OutputStream.nullOutputStream())
			.build();
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1440,900",
					"--lang=en-GB");
		return new ConsoleBrowser(new ChromeDriver(service, options), profile);
	}

	WebDriver driver() {
		return this.driver;
	}

	void open(String url) {
		this.driver.get(url);
	}

	WebElement find(String css) {
		return this.driver.findElement(By.cssSelector(css));
	}

	List<WebElement> all(String css) {
		return this.driver.findElements(By.cssSelector(css));
	}

	WebElement byId(String id) {
		return this.driver.findElement(By.id(id));
	}

	/** Waits until the condition holds (at most 20 s) and answers what it returned. */
	<T> T until(Function<WebDriver, T> condition) {
		return this.wait.until(condition);
	}

	/** Waits until an element is shown, and answers it. */
	WebElement shown(String css) {
		return until((driver) -> {
			List<WebElement> found = driver.findElements(By.cssSelector(css));
			return (!found.isEmpty() && found.getFirst().isDisplayed()) ? found.getFirst() : null;
		});
	}

	/** Clicks an element after scrolling it to the middle of the window. */
	void click(String css) {
		WebElement element = find(css);
		script("arguments[0].scrollIntoView({ block: 'center' })", element);
		element.click();
	}

	Object script(String script, Object... args) {
		return ((JavascriptExecutor) this.driver).executeScript(script, args);
	}

	/** The data-focus-key of the focused element, or its id. */
	String focused() {
		return String.valueOf(script(
				"const e = document.activeElement;" + "return e ? (e.dataset.focusKey || e.id || e.tagName) : null;"));
	}

	/** Saves a screenshot as target/console-screenshots/{name}.png. */
	Path screenshot(String name) throws IOException {
		Path to = SCREENSHOTS.resolve(name + ".png");
		Files.copy(this.driver.getScreenshotAs(OutputType.FILE).toPath(), to, StandardCopyOption.REPLACE_EXISTING);
		return to;
	}

	@Override
	public void close() throws IOException {
		this.driver.quit();
		try (var files = Files.walk(this.profile)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
	}

	private static String setting(String name, String otherwise) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : otherwise;
	}

}
