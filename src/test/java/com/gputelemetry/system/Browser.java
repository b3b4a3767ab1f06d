package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its chromedriver by Selenium: the dashboard as users see it. The test
 * command installs both packages when they are missing; screenshots go to {@code target/screenshots}.
 */
final class Browser implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver driver;

    private Browser(WebDriver driver) {
        this.driver = driver;
    }

    /** A new browser window of the given size, e.g. 1400 × 1000. */
    static Browser open(int width, int height) {
        System.setProperty("webdriver.chrome.driver", executable("CHROMEDRIVER", "/usr/bin/chromedriver"));
        var options = new ChromeOptions()
                .setBinary(executable("CHROMIUM", "/usr/bin/chromium"))
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--window-size=" + width + "," + height);
        var logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        return new Browser(new ChromeDriver(ChromeDriverService.createDefaultService(), options));
    }

    private static String executable(String variable, String fallback) {
        String path = System.getenv().getOrDefault(variable, fallback);
        assertThat(Path.of(path))
                .as("%s: the test command installs chromium and chromium-driver when missing", path)
                .isExecutable();
        return path;
    }

    WebDriver driver() {
        return driver;
    }

    void get(String url) {
        driver.get(url);
    }

    /** The first element found, once there is one. */
    WebElement await(By by) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            var found = d.findElements(by);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    void awaitText(By by, String text) {
        new WebDriverWait(driver, WAIT).withMessage(() -> by + " shows " + text).until(d -> d.findElements(by).stream()
                .anyMatch(e -> e.getText().equals(text)));
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    void assertNoConsoleErrors() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        assertThat(errors).as("console errors").isEmpty();
    }

    /**
     * As a new browser: the page's storage and cookies gone, no page (the next one is loaded, not reached by its
     * fragment), the given window size, the console's entries read.
     */
    void reset(int width, int height) {
        if (driver.getCurrentUrl().startsWith("http")) {
            ((JavascriptExecutor) driver).executeScript("localStorage.clear(); sessionStorage.clear();");
        }
        driver.manage().deleteAllCookies();
        driver.get("about:blank");
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().logs().get(LogType.BROWSER);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
