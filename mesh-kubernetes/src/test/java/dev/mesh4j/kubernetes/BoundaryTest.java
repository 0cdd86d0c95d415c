package dev.mesh4j.kubernetes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes source is a plain {@code MeshSource}: it uses mesh-api's source SPI and nothing
 * of the engine, so any mesh (and any transport) can take it.
 */
class BoundaryTest {
  static final Path CLASSES_DIR = Path.of("target/classes");
  static final JavaClasses CLASSES = new ClassFileImporter().importPath(CLASSES_DIR);

  @Test
  void usesOnlyTheSourceSpiOfMesh4j() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.mesh4j.core..", "dev.mesh4j.okhttp..", "dev.mesh4j.spring..")
        .check(CLASSES);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException {
    ApiSurface.check(Path.of("api/mesh-kubernetes.api"), ApiSurface.of(CLASSES_DIR, "dev.mesh4j.kubernetes"));
  }
}
