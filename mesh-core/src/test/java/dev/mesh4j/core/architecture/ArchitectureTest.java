package dev.mesh4j.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The boundary of mesh-api and mesh-core: which packages are API (listed here and dumped in
 * {@code api/}), what the engine may depend on, and no package cycles.
 */
class ArchitectureTest {
  /** The API packages of mesh-api: all of them. */
  static final String[] API_PACKAGES = {"dev.mesh4j.api.config", "dev.mesh4j.api.endpoint", "dev.mesh4j.api.runtime",
      "dev.mesh4j.api.spi"};
  /** The API packages of mesh-core; everything under dev.mesh4j.core.internal is not API. */
  static final String[] CORE_PACKAGES = {"dev.mesh4j.core", "dev.mesh4j.core.context", "dev.mesh4j.core.explain",
      "dev.mesh4j.core.http", "dev.mesh4j.core.metrics", "dev.mesh4j.core.observe", "dev.mesh4j.core.tls"};

  static final Path API_CLASSES = Path.of("../mesh-api/target/classes");
  static final Path CORE_CLASSES = Path.of("target/classes");
  static final JavaClasses CLASSES = new ClassFileImporter().importPaths(API_CLASSES, CORE_CLASSES);

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.mesh4j.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void theApiDependsOnNothingButTheJdkAndJSpecify() {
    classes().that().resideInAPackage("dev.mesh4j.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.mesh4j.api..", "java..", "org.jspecify..")
        .check(CLASSES);
  }

  @Test
  void everyPackageIsEitherApiOrInternal() {
    Set<String> api = Set.of(CORE_PACKAGES);
    classes().that().resideInAPackage("dev.mesh4j.core..")
        .should().resideInAnyPackage(CORE_PACKAGES).orShould().resideInAPackage("dev.mesh4j.core.internal..")
        .because("a new package is either API (listed in this test and dumped in api/) or internal")
        .check(CLASSES);
    org.assertj.core.api.Assertions.assertThat(api).hasSize(CORE_PACKAGES.length);
  }

  /** A public member of an API type must not hand out or ask for an internal type. */
  @Test
  void theApiExposesNoInternalType() {
    DescribedPredicate<JavaClass> api = DescribedPredicate.describe("API types",
        c -> c.getModifiers().contains(JavaModifier.PUBLIC) && Set.of(CORE_PACKAGES).contains(c.getPackageName()));
    classes().that(api).should(new ArchCondition<>("expose no internal type in public signatures") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        c.getMethods().stream().filter(m -> m.getModifiers().contains(JavaModifier.PUBLIC)).forEach(m -> {
          m.getParameterTypes().stream().map(t -> t.toErasure()).filter(ArchitectureTest::internal).forEach(t ->
              events.add(SimpleConditionEvent.violated(m, m.getFullName() + " takes " + t.getName())));
          if (internal(m.getRawReturnType())) {
            events.add(SimpleConditionEvent.violated(m, m.getFullName() + " returns " + m.getRawReturnType().getName()));
          }
        });
        c.getConstructors().stream().filter(k -> k.getModifiers().contains(JavaModifier.PUBLIC)).forEach(k ->
            k.getRawParameterTypes().stream().filter(ArchitectureTest::internal).forEach(t ->
                events.add(SimpleConditionEvent.violated(k, k.getFullName() + " takes " + t.getName()))));
      }
    }).check(CLASSES);
  }

  static boolean internal(JavaClass c) {
    return c.getPackageName().startsWith("dev.mesh4j.core.internal");
  }

  @Test
  void theEngineKnowsNoHttpClientAndNoSpring() {
    noClasses().that().resideInAPackage("dev.mesh4j..")
        .should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "org.springframework..", "java.net.http..")
        .check(CLASSES);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException {
    ApiSurface.check(Path.of("../mesh-api/api/mesh-api.api"), ApiSurface.of(API_CLASSES, API_PACKAGES));
    ApiSurface.check(Path.of("api/mesh-core.api"), ApiSurface.of(CORE_CLASSES, CORE_PACKAGES));
  }
}
