package dev.mesh4j.istiod;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The istiod source is written on the public source SPI only: nothing of mesh-core (it is not even
 * on its compile class path), no grpc-java or protobuf internals, and its API is the checked-in one.
 */
class BoundaryTest {
  static final Path CLASSES_DIR = Path.of("target/classes");
  static final JavaClasses CLASSES = new ClassFileImporter().importPath(CLASSES_DIR);

  @Test
  void usesOnlyTheSourceSpiAndPublicLibraryApi() {
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.mesh4j.core..", "io.grpc.internal..", "io.grpc.netty..", "com.google.protobuf.internal..")
        .check(CLASSES);
  }

  @Test
  void theInternalsStayInternal() {
    noClasses().that().resideInAPackage("dev.mesh4j.istiod.internal..")
        .should().dependOnClassesThat().resideInAPackage("dev.mesh4j.istiod")
        .check(CLASSES);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException {
    ApiSurface.check(Path.of("api/mesh-istiod.api"), ApiSurface.of(CLASSES_DIR, "dev.mesh4j.istiod"));
  }
}
