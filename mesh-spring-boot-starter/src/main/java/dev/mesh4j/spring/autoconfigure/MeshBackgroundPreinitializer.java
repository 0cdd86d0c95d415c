package dev.mesh4j.spring.autoconfigure;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.NativeDetector;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Does the starter's expensive one-time work on a background thread while Spring starts, as Spring
 * Boot's own background pre-initializer does for its libraries: loading and initializing the
 * classes of mesh4j, Jackson's YAML and RE2/J (by building and closing a mesh from a tiny
 * manifest), and of OkHttp and the Kotlin runtime together with the JDK's trust store and TLS
 * context (by creating a meshed client). The application's beans then find that work done.
 *
 * <p>Registered in {@code META-INF/spring.factories} as an {@code ApplicationListener}, which Boot
 * 3.5 and 4.x both read. On {@link ApplicationStartingEvent} it starts one daemon thread,
 * {@code mesh4j-preinit}, once per JVM. It starts none when the system property
 * {@value #IGNORE_PROPERTY} (or Boot's {@value #BOOT_IGNORE_PROPERTY}) is {@code true}, when
 * {@code mesh.enabled=false} is known that early (a system property, the {@code MESH_ENABLED}
 * environment variable, or a {@code --mesh.enabled=false} argument), on a single CPU (the thread
 * could only compete with the main one) and in a native image. When the application's
 * environment turns out to say {@code mesh.enabled=false}, the steps not yet begun are skipped.
 * On {@link ApplicationReadyEvent} or {@link ApplicationFailedEvent} it waits (at most
 * {@link #MAX_WAIT}) for the thread to finish, so that no warm-up outlives the start-up.
 *
 * <p>Warming is only an optimization: every step catches everything it throws, and nothing here
 * ever fails the application or logs.
 */
public final class MeshBackgroundPreinitializer implements ApplicationListener<SpringApplicationEvent>, Ordered {
  /** The system property that, when {@code true}, turns this pre-initializer off. */
  public static final String IGNORE_PROPERTY = "mesh.backgroundpreinitializer.ignore";

  /** Boot's system property that turns its own pre-initializer off; honoured here too. */
  public static final String BOOT_IGNORE_PROPERTY = "spring.backgroundpreinitializer.ignore";

  /** The longest the application's ready (or failed) event waits for the warm-up to finish. */
  static final Duration MAX_WAIT = Duration.ofSeconds(10);

  /** One warm-up per JVM: what it loads stays loaded. */
  private static final AtomicBoolean JVM_STARTED = new AtomicBoolean();

  /** A manifest touching what a real configuration does: YAML, several kinds, a regex (RE2/J). */
  private static final String MANIFEST = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: warm-up}
      spec:
        hosts: [warm-up.invalid]
        ports: [{number: 80, name: http, protocol: HTTP}]
        resolution: STATIC
        endpoints: [{address: 127.0.0.1, labels: {version: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: warm-up}
      spec:
        host: warm-up.invalid
        trafficPolicy:
          connectionPool: {http: {maxRetries: 3}}
          outlierDetection: {consecutive5xxErrors: 5, interval: 10s}
        subsets: [{name: v1, labels: {version: v1}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: warm-up}
      spec:
        hosts: [warm-up.invalid]
        http:
        - match: [{headers: {end-user: {regex: "^(warm|up)$"}}}]
          route: [{destination: {host: warm-up.invalid, subset: v1}}]
          retries: {attempts: 2, perTryTimeout: 1s}
        - route: [{destination: {host: warm-up.invalid}}]
      """;

  /** One unit of warm-up work. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private final List<Step> steps;
  private final Function<String, @Nullable String> systemProperties;
  private final Function<String, @Nullable String> environmentVariables;
  private final AtomicBoolean started;
  private final boolean available;
  private final CountDownLatch complete = new CountDownLatch(1);
  private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean cancelled;

  /** The pre-initializer Boot instantiates from {@code spring.factories}. */
  public MeshBackgroundPreinitializer() {
    this(List.of(MeshBackgroundPreinitializer::warmMesh, MeshBackgroundPreinitializer::warmClient), System::getProperty, System::getenv, JVM_STARTED,
        !NativeDetector.inNativeImage() && Runtime.getRuntime().availableProcessors() > 1);
  }

  /** For tests: other steps, property sources and once-guard. */
  MeshBackgroundPreinitializer(List<Step> steps, Function<String, @Nullable String> systemProperties,
      Function<String, @Nullable String> environmentVariables, AtomicBoolean started, boolean available) {
    this.steps = List.copyOf(requireNonNull(steps, "steps"));
    this.systemProperties = requireNonNull(systemProperties, "systemProperties");
    this.environmentVariables = requireNonNull(environmentVariables, "environmentVariables");
    this.started = requireNonNull(started, "started");
    this.available = available;
  }

  /** Right after Boot's logging listener, which holds log output back until logging is configured. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 21;
  }

  @Override
  public void onApplicationEvent(SpringApplicationEvent event) {
    try {
      if (event instanceof ApplicationStartingEvent) {
        starting(event.getArgs());
      } else if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
        environmentPrepared(prepared.getEnvironment());
      } else if (event instanceof ApplicationReadyEvent || event instanceof ApplicationFailedEvent) {
        awaitCompletion(MAX_WAIT);
      }
    } catch (Throwable e) {
      // Never fail the application over an optimization; a failure here only costs the warm-up.
      failures.add(e);
    }
  }

  /** Starts the warm-up thread, unless turned off or already started in this JVM. */
  void starting(String[] args) {
    if (!available || isTrue(systemProperties.apply(IGNORE_PROPERTY))
        || isTrue(systemProperties.apply(BOOT_IGNORE_PROPERTY)) || meshDisabled(args)
        || !started.compareAndSet(false, true)) {
      complete.countDown();
      return;
    }
    Thread thread = new Thread(this::runSteps, "mesh4j-preinit");
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (Throwable e) {
      failures.add(e);
      complete.countDown();
    }
  }

  /** Skips the steps not yet begun when the application's configuration turns the mesh off. */
  void environmentPrepared(Environment environment) {
    if (!environment.getProperty("mesh.enabled", Boolean.class, true)) {
      cancelled = true;
    }
  }

  /**
   * Waits for the warm-up to finish (at once if none started).
   *
   * @return whether it finished within the time given
   */
  boolean awaitCompletion(Duration timeout) {
    try {
      return complete.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What the steps threw, for tests (a warm-up step that fails silently would go unnoticed). */
  List<Throwable> failures() {
    return List.copyOf(failures);
  }

  private void runSteps() {
    try {
      for (Step step : steps) {
        if (cancelled) {
          return;
        }
        try {
          step.run();
        } catch (Throwable e) {
          // A missing optional class or an unusual platform: the application pays the cost itself.
          failures.add(e);
        }
      }
    } finally {
      complete.countDown();
    }
  }

  /** {@code mesh.enabled=false} as known before Boot reads the application's configuration. */
  private boolean meshDisabled(String[] args) {
    for (String arg : args) {
      if (arg.equals("--mesh.enabled=false")) {
        return true;
      }
    }
    return isFalse(systemProperties.apply("mesh.enabled")) || isFalse(environmentVariables.apply("MESH_ENABLED"));
  }

  private static boolean isTrue(@Nullable String value) {
    return value != null && value.trim().equalsIgnoreCase("true");
  }

  private static boolean isFalse(@Nullable String value) {
    return value != null && value.trim().equalsIgnoreCase("false");
  }

  /** Loads mesh4j's config, snapshot and routing classes, Jackson's YAML and RE2/J. */
  static void warmMesh() {
    try (Mesh mesh = Mesh.builder().configYaml("mesh4j-preinit", MANIFEST).dnsRefreshInterval(Duration.ZERO).build()) {
      mesh.version();
    }
  }

  /**
   * Loads OkHttp and the Kotlin runtime, and reads the platform trust store and initializes a TLS
   * context (which the JDK then caches). The client starts no thread and opens nothing.
   */
  static void warmClient() {
    try (Mesh mesh = Mesh.builder().dnsRefreshInterval(Duration.ZERO).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      client.newCall(new Request.Builder().url("http://warm-up.invalid/").build());
    }
  }
}
