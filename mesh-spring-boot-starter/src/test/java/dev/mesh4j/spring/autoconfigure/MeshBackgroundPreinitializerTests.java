package dev.mesh4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

/** The background pre-initializer: when it runs, how it is turned off, and that it never fails the application. */
class MeshBackgroundPreinitializerTests {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Function<String, @Nullable String> NONE = name -> null;

  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final List<String> threads = new CopyOnWriteArrayList<>();

  private MeshBackgroundPreinitializer.Step recording(String name) {
    return () -> {
      ran.add(name);
      Thread t = Thread.currentThread();
      threads.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
    };
  }

  private MeshBackgroundPreinitializer preinitializer(Function<String, @Nullable String> systemProperties,
      MeshBackgroundPreinitializer.Step... steps) {
    return new MeshBackgroundPreinitializer(List.of(steps), systemProperties, NONE, new AtomicBoolean(), true);
  }

  @Test
  void runsEveryStepOnOneDaemonThreadWhenTheApplicationStarts() {
    MeshBackgroundPreinitializer p = preinitializer(NONE, recording("a"), recording("b"));
    p.starting(new String[0]);
    assertThat(p.awaitCompletion(TIMEOUT)).isTrue();
    assertThat(ran).containsExactly("a", "b");
    assertThat(threads).containsOnly("mesh4j-preinit (daemon)");
  }

  @Test
  void theRealWarmUpCompletesWithoutFailures() {
    MeshBackgroundPreinitializer p = preinitializer(NONE, MeshBackgroundPreinitializer::warmMesh,
        MeshBackgroundPreinitializer::warmClient);
    p.starting(new String[0]);
    assertThat(p.awaitCompletion(TIMEOUT)).isTrue();
    assertThat(p.failures()).isEmpty();
  }

  @Test
  void theIgnorePropertiesTurnItOff() {
    for (String property : List.of(MeshBackgroundPreinitializer.IGNORE_PROPERTY,
        MeshBackgroundPreinitializer.BOOT_IGNORE_PROPERTY)) {
      MeshBackgroundPreinitializer p = preinitializer(Map.of(property, "true")::get, recording(property));
      p.starting(new String[0]);
      assertThat(p.awaitCompletion(Duration.ZERO)).as(property).isTrue();
    }
    assertThat(ran).isEmpty();
  }

  @Test
  void meshEnabledFalseKnownAtStartTurnsItOff() {
    preinitializer(Map.of("mesh.enabled", "false")::get, recording("system property")).starting(new String[0]);
    preinitializer(NONE, recording("argument")).starting(new String[] {"--mesh.enabled=false"});
    new MeshBackgroundPreinitializer(List.of(recording("environment variable")), NONE,
        Map.of("MESH_ENABLED", "FALSE")::get, new AtomicBoolean(), true).starting(new String[0]);
    new MeshBackgroundPreinitializer(List.of(recording("one CPU")), NONE, NONE, new AtomicBoolean(), false)
        .starting(new String[0]);
    assertThat(ran).isEmpty();
  }

  @Test
  void startsOncePerGuard() {
    AtomicBoolean started = new AtomicBoolean();
    for (int i = 0; i < 2; i++) {
      MeshBackgroundPreinitializer p = new MeshBackgroundPreinitializer(List.of(recording("run " + i)), NONE, NONE,
          started, true);
      p.starting(new String[0]);
      assertThat(p.awaitCompletion(TIMEOUT)).isTrue();
    }
    assertThat(ran).containsExactly("run 0");
  }

  @Test
  void meshEnabledFalseInTheEnvironmentSkipsTheStepsNotYetBegun() throws Exception {
    CountDownLatch inFirstStep = new CountDownLatch(1);
    CountDownLatch environmentSeen = new CountDownLatch(1);
    MeshBackgroundPreinitializer p = preinitializer(NONE, () -> {
      inFirstStep.countDown();
      assertThat(environmentSeen.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      ran.add("first");
    }, recording("second"));
    p.starting(new String[0]);
    assertThat(inFirstStep.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    p.environmentPrepared(new MockEnvironment().withProperty("mesh.enabled", "false"));
    environmentSeen.countDown();
    assertThat(p.awaitCompletion(TIMEOUT)).isTrue();
    assertThat(ran).containsExactly("first");
  }

  @Test
  void aFailingStepNeitherStopsTheOthersNorReachesTheApplication() {
    MeshBackgroundPreinitializer p = preinitializer(NONE, () -> {
      throw new NoClassDefFoundError("okhttp3/OkHttpClient");
    }, () -> {
      throw new IllegalStateException("no trust store");
    }, recording("last"));
    assertThatNoException().isThrownBy(() -> p.starting(new String[0]));
    assertThat(p.awaitCompletion(TIMEOUT)).isTrue();
    assertThat(ran).containsExactly("last");
    assertThat(p.failures()).hasSize(2);
  }

  @Test
  void isRegisteredAsAnApplicationListener() {
    assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ApplicationListener.class))
        .hasAtLeastOneElementOfType(MeshBackgroundPreinitializer.class);
  }

  @Test
  void runsWithinSpringApplicationStartAndIsDoneWhenTheApplicationIsReady() {
    MeshBackgroundPreinitializer p = preinitializer(NONE, recording("warm"));
    SpringApplication app = new SpringApplication(Empty.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.addListeners(p);
    try (ConfigurableApplicationContext context = app.run()) {
      // Ready has waited for the warm-up: no further waiting needed.
      assertThat(p.awaitCompletion(Duration.ZERO)).isTrue();
      assertThat(ran).containsExactly("warm");
      assertThat(p.failures()).isEmpty();
    }
  }

  @Test
  void aMeshDisabledApplicationSkipsTheWarmUp() {
    CountDownLatch release = new CountDownLatch(1);
    MeshBackgroundPreinitializer p = preinitializer(NONE, () -> {
      assertThat(release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }, recording("after"));
    SpringApplication app = new SpringApplication(Empty.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(Map.of("mesh.enabled", "false"));
    // Ordered after the pre-initializer: the warm-up's first step ends once the environment is seen.
    app.addListeners(p, event -> {
      if (event instanceof ApplicationEnvironmentPreparedEvent) {
        release.countDown();
      }
    });
    try (ConfigurableApplicationContext context = app.run()) {
      assertThat(p.awaitCompletion(Duration.ZERO)).isTrue();
      assertThat(ran).isEmpty();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Empty {}
}
