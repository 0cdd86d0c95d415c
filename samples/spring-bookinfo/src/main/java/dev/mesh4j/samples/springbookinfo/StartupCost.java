package dev.mesh4j.samples.springbookinfo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures what the starter adds to this application's start-up with the bookinfo config: starts
 * productpage (without its web server, which the starter does not change) and prints the time
 * spent creating the starter's beans — the mesh (loading mesh4j's classes, reading, validating and
 * compiling the YAML), its config sources, OkHttp client, request factory, filter, metrics,
 * endpoint, health indicator — next to the whole start-up. Run it in a fresh JVM:
 * {@code java -cp ... dev.mesh4j.samples.springbookinfo.StartupCost}; add {@code --mesh.enabled=false}
 * for the start-up without the starter.
 */
public final class StartupCost {
  private StartupCost() {}

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    SpringApplication app = new SpringApplication(ProductpageApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    BeanTimer timer = new BeanTimer();
    app.addInitializers(context -> context.getBeanFactory().addBeanPostProcessor(timer));
    long total;
    try (ConfigurableApplicationContext context = app.run(args)) {
      total = System.nanoTime() - t0;
    }
    long starter = timer.starterNanos.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(Locale.ROOT, "start-up: %d ms; the starter's beans: %.1f ms%n", total / 1_000_000, starter / 1e6);
    System.out.println("each starter bean, including the beans it needed created first:");
    timer.inclusiveNanos.forEach((bean, nanos) -> {
      if (nanos >= 500_000) {
        System.out.printf(Locale.ROOT, "  %-32s %6.1f ms%n", bean, nanos / 1e6);
      }
    });
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
