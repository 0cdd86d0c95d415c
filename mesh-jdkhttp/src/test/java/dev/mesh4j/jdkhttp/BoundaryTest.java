package dev.mesh4j.jdkhttp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The JDK transport uses only the public API of mesh-core and of the JDK's HTTP client, and no
 * OkHttp (its users have none).
 */
class BoundaryTest {
  static final Path CLASSES_DIR = Path.of("target/classes");
  static final JavaClasses CLASSES = new ClassFileImporter().importPath(CLASSES_DIR);

  @Test
  void usesNoInternalPackageOfMesh4jOrTheJdk() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.mesh4j.core.internal..", "jdk.internal..", "sun..")
        .check(CLASSES);
  }

  @Test
  void usesNoOkHttp() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("okhttp3..", "okio..", "dev.mesh4j.okhttp..")
        .check(CLASSES);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException {
    ApiSurface.check(Path.of("api/mesh-jdkhttp.api"), ApiSurface.of(CLASSES_DIR, "dev.mesh4j.jdkhttp"));
  }
}
