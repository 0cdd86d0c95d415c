package dev.mesh4j.samples.springbookinfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures what the starter adds to this application's start-up with the bookinfo config, in one
 * fresh JVM: starts productpage as it runs (servlet web server on a free port, actuator,
 * metrics) and prints the time from {@code main} to {@code ApplicationReadyEvent}, then the time
 * spent creating the starter's beans — the mesh (loading mesh4j's classes, reading, validating
 * and compiling the YAML), its config sources, OkHttp client, request factory, filter, metrics,
 * endpoint, health indicator. Arguments go to the application: {@code --mesh.enabled=false} starts
 * it without the starter; {@code -Dmesh.backgroundpreinitializer.ignore=true} without the
 * starter's background pre-initializer. One JVM is one sample; {@link StartupComparison} runs
 * many and compares. Run it: {@code java -cp ... dev.mesh4j.samples.springbookinfo.StartupCost}.
 */
public final class StartupCost {
  private StartupCost() {}

  /** The line {@link StartupComparison} reads from each child JVM. */
  static final String RESULT_PREFIX = "startup-cost:";

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    SpringApplication app = new SpringApplication(ProductpageApplication.class);
    BeanTimer timer = new BeanTimer();
    long[] ready = new long[1];
    app.addInitializers(context -> context.getBeanFactory().addBeanPostProcessor(timer));
    app.addListeners(event -> {
      if (event instanceof ApplicationReadyEvent) {
        ready[0] = System.nanoTime() - t0;
      }
    });
    // A free port unless told otherwise (an argument, unlike a default property, beats application.yaml).
    List<String> appArgs = new ArrayList<>(List.of(args));
    if (appArgs.stream().noneMatch(a -> a.startsWith("--server.port="))) {
      appArgs.add(0, "--server.port=0");
    }
    try (ConfigurableApplicationContext context = app.run(appArgs.toArray(String[]::new))) {
      long starter = timer.starterNanos.values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(Locale.ROOT, "%s ready-ms=%.1f starter-beans-ms=%.1f%n", RESULT_PREFIX, ready[0] / 1e6,
          starter / 1e6);
      System.out.printf(Locale.ROOT, "main to ApplicationReadyEvent: %d ms; the starter's beans: %.1f ms%n",
          ready[0] / 1_000_000, starter / 1e6);
      System.out.println("each starter bean, including the beans it needed created first:");
      timer.inclusiveNanos.forEach((bean, nanos) -> {
        if (nanos >= 500_000) {
          System.out.printf(Locale.ROOT, "  %-32s %6.1f ms%n", bean, nanos / 1e6);
        }
      });
    }
  }

  /**
   * Times each bean from before instantiation to after initialization; a starter bean created while
   * another is being created (a dependency) counts in the outer one only.
   */
  static final class BeanTimer implements InstantiationAwareBeanPostProcessor {
    private record Frame(String bean, long start) {}

    final Map<String, Long> starterNanos = new TreeMap<>();
    final Map<String, Long> inclusiveNanos = new TreeMap<>();
    private final Deque<Frame> creating = new ArrayDeque<>();

    @Override
    public Object postProcessBeforeInstantiation(Class<?> beanClass, String beanName) {
      creating.push(new Frame(beanName, System.nanoTime()));
      return null;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
      Frame top = creating.peek();
      if (top == null || !top.bean().equals(beanName)) {
        return bean;
      }
      creating.pop();
      boolean inStarterBean = creating.stream().anyMatch(f -> isStarterBean(f.bean()));
      if (isStarterBean(beanName) && !inStarterBean) {
        starterNanos.merge(beanName, System.nanoTime() - top.start(), Long::sum);
      }
      if (isStarterBean(beanName)) {
        inclusiveNanos.merge(beanName, System.nanoTime() - top.start(), Long::sum);
      }
      return bean;
    }

    private static boolean isStarterBean(String name) {
      return name.startsWith("mesh") || name.startsWith("dev.mesh4j.spring");
    }
  }
}
