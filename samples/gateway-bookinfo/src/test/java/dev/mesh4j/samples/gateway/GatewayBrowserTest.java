package dev.mesh4j.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium driven by Selenium) loads bookinfo's productpage through the
 * edge and sees the version the canary picked. A screenshot goes to
 * {@code target/gateway-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}: {@code .ci/run} installs them, and
 * so does this test's setup when they are missing ({@code .ci/install-debian-packages}, as root or
 * with passwordless sudo); {@code -Dmesh4j.chromium=…} and {@code -Dmesh4j.chromedriver=…} point
 * elsewhere. Only where they cannot be installed is the test skipped, with a message saying why.
 */
class GatewayBrowserTest {
  static final int LOADS = 20;

  GatewayBookinfo bookinfo;
  WebDriver browser;
  Path profile;

  @BeforeEach
  void start() throws IOException {
    Browser.requireInstalled();
    bookinfo = GatewayBookinfo.start(GatewayBookinfo.config(), RandomSource.seeded(7), 0);
    profile = Files.createTempDirectory("gateway-chromium");
    browser = Browser.open(profile);
  }

  @AfterEach
  void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (bookinfo != null) {
      bookinfo.close();
    }
    if (profile != null) {
      try (var walk = Files.walk(profile)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        // Chromium may still be writing its profile as it exits; a temp folder left is harmless.
      }
    }
  }

  @Test
  void theProductpageLoadsThroughTheEdgeFromV1OrV2() throws IOException {
    String url = bookinfo.edge().uri() + "/productpage";
    Map<String, Integer> shown = new LinkedHashMap<>();
    for (int i = 0; i < LOADS; i++) {
      browser.get(url);
      String version = new WebDriverWait(browser, Duration.ofSeconds(20))
          .until(d -> d.findElement(By.id("version")).getText());
      assertThat(version).isIn("productpage v1", "productpage v2");
      assertThat(browser.getTitle()).isEqualTo("Bookinfo " + version);
      shown.merge(version, 1, Integer::sum);
      if (i == 0) {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target/gateway-screenshots"));
        Files.copy(shot, Path.of("target/gateway-screenshots/productpage.png"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    // Every page shown was a request a pod answered (Chromium's /favicon.ico is a 404 at the gateway).
    assertThat((long) shown.getOrDefault("productpage v1", 0)).isEqualTo(bookinfo.v1().requests());
    assertThat((long) shown.getOrDefault("productpage v2", 0)).isEqualTo(bookinfo.v2().requests());
    ProductpagePod.Received last = (bookinfo.v1().last() != null ? bookinfo.v1() : bookinfo.v2()).last();
    assertThat(last.header("user-agent")).contains("Chrome");
    assertThat(last.header("host")).isEqualTo(bookinfo.edge().uri().getAuthority());
    assertThat(last.header("x-forwarded-for")).isEqualTo("127.0.0.1");
  }

  static final class Browser {
    static final Path CHROMIUM = Path.of(System.getProperty("mesh4j.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("mesh4j.chromedriver", "/usr/bin/chromedriver"));

    /**
     * Makes sure Chromium and its driver are there: installs Debian's packages when they are not
     * (through {@code .ci/install-debian-packages}: as root or with passwordless sudo), and skips
     * the test, saying why, where they cannot be installed.
     */
    static void requireInstalled() {
      if (installed()) {
        return;
      }
      String why = install();
      org.junit.jupiter.api.Assumptions.assumeTrue(installed(), () -> "skipped: headless Chromium and its driver"
          + " are not installed (" + CHROMIUM + ", " + DRIVER + ") and could not be installed: " + why
          + ". Install the Debian packages chromium and chromium-driver (.ci/run does), or point"
          + " -Dmesh4j.chromium and -Dmesh4j.chromedriver at them");
    }

    private static boolean installed() {
      return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    /** Runs the repository's installer; what it said when it failed. */
    private static String install() {
      Path script = null;
      for (Path dir = Path.of("").toAbsolutePath(); dir != null && script == null; dir = dir.getParent()) {
        Path candidate = dir.resolve(".ci/install-debian-packages");
        script = Files.isExecutable(candidate) ? candidate : null;
      }
      if (script == null) {
        return "no .ci/install-debian-packages above " + Path.of("").toAbsolutePath();
      }
      try {
        Process p = new ProcessBuilder(script.toString(), "chromium", "chromium-driver").redirectErrorStream(true)
            .start();
        p.getOutputStream().close();
        // apt-get's output is read as it comes (to the installer's end), so a full pipe never stalls it.
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String[] lines = output.strip().split("\n");
        return p.waitFor() == 0 ? "the packages are installed, but not at these paths" : lines[lines.length - 1];
      } catch (IOException e) {
        return "running " + script + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    static WebDriver open(Path profile) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      // Without these Chromium reaches for the network (and fails on a closed one) or a sandbox.
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1200,800");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
          .usingAnyFreePort().build();
      return new ChromeDriver(service, options);
    }
  }
}
