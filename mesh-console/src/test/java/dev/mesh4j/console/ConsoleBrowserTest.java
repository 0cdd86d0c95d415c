package dev.mesh4j.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (headless Chromium driven by Selenium) over bookinfo traffic:
 * the reviews canary 10/10/80 with outlier detection, reviews-v2 turning bad, ejected and
 * returning on virtual time, and the explain box. Screenshots go to
 * {@code target/console-screenshots/}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}: {@code .ci/run} installs them, and
 * so does this test's setup when they are missing ({@code .ci/install-debian-packages}, as root or
 * with passwordless sudo); {@code -Dmesh4j.chromium=…} and {@code -Dmesh4j.chromedriver=…} point
 * elsewhere. Only where they cannot be installed is the test skipped, with a message saying why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  static final Path SCREENSHOTS = Path.of("target/console-screenshots");
  static final String REVIEWS = "outbound|9080|%s|reviews.default.svc.cluster.local";
  static final int CANARY_REQUESTS = 600;
  static final String ROW = "tr.version-row[data-service='reviews.default.svc.cluster.local'][data-version='%s']";
  static final String NODE = "g.node.version[data-service='reviews.default.svc.cluster.local'][data-version='%s']";

  final FakeClock clock = new FakeClock();
  final Map<String, LoopbackBackend> pods = new LinkedHashMap<>();
  LoopbackBackend httpbin;
  Path config;
  Mesh mesh;
  OkHttpClient client;
  MeshConsole.Server console;
  WebDriver browser;
  Path profile;

  @BeforeAll
  void start() throws IOException {
    Browser.requireInstalled();
    // Each pod takes a few milliseconds of virtual time to answer, so latencies are not all zero.
    for (String[] p : new String[][] {{"productpage", "v1", "2"}, {"details", "v1", "2"}, {"ratings", "v1", "3"},
        {"reviews", "v1", "4"}, {"reviews", "v2", "6"}, {"reviews", "v3", "9"}}) {
      LoopbackBackend pod = LoopbackBackend.start(p[0] + "-" + p[1], Map.of("app", p[0], "version", p[1]));
      long millis = Long.parseLong(p[2]);
      pod.answer(r -> {
        clock.advance(Duration.ofMillis(millis));
        return LoopbackBackend.Answer.of(200, pod.name());
      });
      pods.put(pod.name(), pod);
    }
    httpbin = LoopbackBackend.start("httpbin.org");
    config = Files.createTempDirectory("console-istio");
    copy("destination-rules.yaml", "virtual-services.yaml");
    ServiceRegistry registry = new ServiceRegistry()
        .register("details", 9080, pods.get("details-v1").endpoint())
        .register("ratings", 9080, pods.get("ratings-v1").endpoint())
        .register("reviews", 9080, pods.get("reviews-v1").endpoint(), pods.get("reviews-v2").endpoint(),
            pods.get("reviews-v3").endpoint());
    mesh = Mesh.builder().configDirectory(config).registry(registry)
        .workloadName("productpage-v1").workloadLabel("app", "productpage").workloadLabel("version", "v1")
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(Duration.ZERO)
        .random(RandomSource.seeded(20_260_312)).build();
    client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().dns(host ->
        host.equals("httpbin.org") ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host))).build();
    console = MeshConsole.start(mesh, 0);
    profile = Files.createTempDirectory("console-chromium");
    browser = Browser.open(profile);
  }

  @AfterAll
  void stop() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.close();
    }
    if (mesh != null) {
      mesh.close();
    }
    pods.values().forEach(LoopbackBackend::close);
    if (httpbin != null) {
      httpbin.close();
    }
    for (Path dir : new Path[] {config, profile}) {
      if (dir != null) {
        try (var walk = Files.walk(dir)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          // Chromium may still be writing its profile as it exits; a temp folder left is harmless.
        }
      }
    }
  }

  @Test
  @Order(1)
  void theCanaryShowsTheThreeReviewsVersionsWithObservedSharesNearTheConfiguredOnes() throws Exception {
    Map<String, Integer> answered = new LinkedHashMap<>();
    for (int i = 0; i < CANARY_REQUESTS; i++) {
      answered.merge(call("http://reviews:9080/reviews/" + i), 1, Integer::sum);
    }
    for (int i = 0; i < 20; i++) {
      call("http://details:9080/details/" + i);
      call("http://ratings:9080/ratings/" + i);                      // half aborted by the fault
    }
    for (int i = 0; i < 5; i++) {
      call("http://httpbin.org:" + httpbin.port() + "/get");           // egress: PassthroughCluster
    }
    assertThat(answered.keySet()).contains("reviews-v1", "reviews-v2", "reviews-v3");

    browser.get(console.uri().toString());
    Map<String, Double> observed = waitFor("the three reviews versions with observed shares", () -> {
      Map<String, Double> shares = new LinkedHashMap<>();
      for (WebElement row : browser.findElements(By.cssSelector(
          "tr.version-row[data-service='reviews.default.svc.cluster.local']"))) {
        String share = row.findElement(By.cssSelector("td.observed")).getText();
        if (share.endsWith("%")) {
          shares.put(row.getAttribute("data-version"), Double.parseDouble(share.replace("%", "")));
        }
      }
      return shares.size() == 3 ? shares : null;
    });
    Map<String, Double> configured = Map.of("v1", 10.0, "v2", 10.0, "v3", 80.0);
    for (Map.Entry<String, Double> e : configured.entrySet()) {
      double p = e.getValue() / 100;
      // Within 4.5 standard deviations of the binomial count, as a share (the page rounds to 0.1).
      double tolerance = 100 * Binomial.tolerance(CANARY_REQUESTS, p) / CANARY_REQUESTS + 0.05;
      assertThat(observed.get(e.getKey())).as("observed share of reviews %s", e.getKey())
          .isCloseTo(e.getValue(), org.assertj.core.api.Assertions.within(tolerance));
      assertThat(text(ROW.formatted(e.getKey()) + " td.configured"))
          .isEqualTo(String.format(Locale.ROOT, "%.1f%%", e.getValue()));
      // The graph draws the same: a version node per subset, with its shares.
      assertThat(text(NODE.formatted(e.getKey()))).contains(String.format(Locale.ROOT, "%.1f%% configured", e.getValue()))
          .contains(String.format(Locale.ROOT, "%.1f%% observed", observed.get(e.getKey())));
    }
    assertThat(observed.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(100, org.assertj.core.api.Assertions.within(0.2));
    // Circuit breaking is configured on reviews (a bolt on each version), at rest.
    assertThat(browser.findElements(By.cssSelector("g.node.version[data-service='reviews.default.svc.cluster.local'] g.bolt")))
        .hasSize(3);
    assertThat(browser.findElements(By.cssSelector("g.bolt.tripped"))).isEmpty();
    // Egress and fault injection are drawn too.
    assertThat(text("g.node.service.egress[data-service='PassthroughCluster']"))
        .contains("PassthroughCluster").contains("httpbin.org");
    assertThat(browser.findElements(By.cssSelector("g.node.service[data-service='ratings.default.svc.cluster.local'] g.fault")))
        .hasSize(1);
    // No workload identity yet: no edge is mutual TLS.
    assertThat(browser.findElements(By.cssSelector("g.lock"))).isEmpty();
    screenshot("1-canary");
  }

  @Test
  @Order(2)
  void theBoltTurnsRedWhileReviewsV2IsEjectedAndBackAfterItReturns() throws Exception {
    LoopbackBackend v2 = pods.get("reviews-v2");
    v2.answer(r -> LoopbackBackend.Answer.of(500, "reviews-v2 failed"));
    for (int i = 0; i < 400 && !ejected(); i++) {
      call("http://reviews:9080/reviews/" + i);
    }
    assertThat(ejected()).as("reviews-v2 ejected after its consecutive 5xx").isTrue();

    waitFor("a red bolt on reviews v2", () -> browser.findElements(By.cssSelector(
        "g.node.version[data-version='v2'] g.bolt.tripped")).isEmpty() ? null : true);
    assertThat(browser.findElements(By.cssSelector("g.node.version[data-version='v1'] g.bolt.tripped"))).isEmpty();
    assertThat(browser.findElements(By.cssSelector("g.node.version[data-version='v3'] g.bolt.tripped"))).isEmpty();
    String circuit = waitFor("reviews v2's ejected endpoint in the table", () -> {
      String text = browser.findElement(By.cssSelector(ROW.formatted("v2") + " td.circuit")).getText();
      return text.contains("ejected") ? text : null;
    });
    assertThat(circuit).startsWith("TRIPPED").contains(pods.get("reviews-v2").address() + ":" + v2.port() + " ejected ×1")
        .containsPattern("ejected ×1, \\d+(\\.\\d)?s");
    waitFor("the ejection in the timeline", () -> browser.findElements(By.cssSelector(
        "#timeline li[data-kind='ejected']")).isEmpty() ? null : true);
    assertThat(text("#timeline li[data-kind='ejected']"))
        .contains(String.format(REVIEWS, "v2")).contains("consecutive 5xx");
    screenshot("2-ejected");

    // reviews-v2 heals; its ejection time (30 s) passes on the mesh's virtual clock, and the
    // detector's next sweep lets it back in.
    v2.answer(r -> LoopbackBackend.Answer.of(200, "reviews-v2"));
    clock.advance(Duration.ofSeconds(31));
    assertThat(ejected()).isFalse();
    waitFor("reviews v2's bolt at rest again", () -> browser.findElements(By.cssSelector(
        "g.node.version[data-version='v2'] g.bolt.tripped")).isEmpty()
        && !browser.findElements(By.cssSelector("g.node.version[data-version='v2'] g.bolt")).isEmpty() ? true : null);
    waitFor("the return in the timeline", () -> browser.findElements(By.cssSelector(
        "#timeline li[data-kind='returned']")).isEmpty() ? null : true);
    assertThat(text(ROW.formatted("v2") + " td.circuit")).isEqualTo("armed");
    screenshot("3-returned");
  }

  @Test
  @Order(3)
  void theExplainBoxAnswersForAUrlAndHeaders() throws Exception {
    WebElement url = browser.findElement(By.id("explain-url"));
    url.clear();
    url.sendKeys("http://reviews:9080/reviews/1");
    browser.findElement(By.id("explain-headers")).sendKeys("end-user: jason");
    browser.findElement(By.id("explain-go")).click();
    String text = waitFor("the explanation", () -> {
      String t = browser.findElement(By.id("explain-output")).getText();
      return t.contains("Outcome:") ? t : null;
    });
    assertThat(text).contains("VirtualService:   default/reviews").contains("* http[0]")
        .contains(String.format(REVIEWS, "v2"));
    ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
        browser.findElement(By.id("explain-output")));
    screenshot("4-explain");

    url.clear();
    url.sendKeys("not a url");
    browser.findElement(By.id("explain-go")).click();
    waitFor("an error for a bad URL", () -> browser.findElement(By.id("explain-output")).getAttribute("class")
        .contains("error") ? true : null);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private boolean ejected() {
    for (MeshSummary.Cluster c : mesh.describe().clusters()) {
      if (c.name().equals(String.format(REVIEWS, "v2"))) {
        return c.endpoints().stream().anyMatch(MeshSummary.Endpoint::ejected);
      }
    }
    return false;
  }

  /** The text of an element, read again if the page redrew it meanwhile. */
  private String text(String css) {
    return waitFor("the text of " + css, () -> browser.findElement(By.cssSelector(css)).getText());
  }

  private String call(String url) throws IOException {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      String body = r.body().string();
      return r.code() == 200 ? body : r.code() + " " + body;
    }
  }

  private void copy(String... resources) throws IOException {
    for (String resource : resources) {
      try (var in = ConsoleBrowserTest.class.getResourceAsStream("/bookinfo/" + resource)) {
        Files.copy(in, config.resolve(resource), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Polls the page (it refreshes once a second) until {@code check} gives a value; at most 15 s. */
  private <T> T waitFor(String what, java.util.function.Supplier<T> check) {
    List<RuntimeException> last = new ArrayList<>(1);
    try {
      return new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(() -> "waiting for " + what
          + (last.isEmpty() ? "" : " (last: " + last.get(0) + ")")).until(d -> {
            try {
              return check.get();
            } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
              last.clear();
              last.add(e);
              return null;  // the page redrew meanwhile
            }
          });
    } catch (org.openqa.selenium.TimeoutException e) {
      screenshot("failed-" + what.replace(' ', '-').replaceAll("[^a-zA-Z0-9-]", ""));
      throw e;
    }
  }

  private void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Debian's Chromium and its driver, started so that they need no network. */
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
          "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1500,1300");
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
          .usingAnyFreePort().build();
      return new ChromeDriver(service, options);
    }
  }
}
