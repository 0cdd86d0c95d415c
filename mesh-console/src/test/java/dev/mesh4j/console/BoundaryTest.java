package dev.mesh4j.console;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The console uses only the public API of mesh-core and the JDK; its own API is the checked-in one. */
class BoundaryTest {
  static final Path CLASSES_DIR = Path.of("target/classes");
  static final JavaClasses CLASSES = new ClassFileImporter().importPath(CLASSES_DIR);

  @Test
  void usesNoInternalPackageOfMesh4jAndNoLibraryBeyondMeshCore() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.mesh4j.core.internal..", "okhttp3..", "com.fasterxml..", "org.springframework..",
            "io.opentelemetry..", "org.slf4j..")
        .check(CLASSES);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException {
    ApiSurface.check(Path.of("api/mesh-console.api"), ApiSurface.of(CLASSES_DIR, "dev.mesh4j.console"));
  }
}
