package dev.mesh4j.spring.autoconfigure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.mesh4j.core.testing.ApiSurface;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The starter uses only the public API of mesh4j; its own public types are dumped in api/. */
class BoundaryTest {

  static Path starterClasses() throws URISyntaxException {
    return Path.of(MeshAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void usesNoInternalPackageOfMesh4jOrOkHttp() throws URISyntaxException {
    JavaClasses classes = ApiSurface.classes(starterClasses());
    noClasses().should().dependOnClassesThat()
        .resideInAnyPackage("dev.mesh4j.core.internal..", "okhttp3.internal..")
        .check(classes);
  }

  @Test
  void theApiIsTheCheckedInOne() throws IOException, URISyntaxException {
    // Both Boot lines run this test; the starter's own folder holds the dump.
    ApiSurface.check(Path.of("../mesh-spring-boot-starter/api/mesh-spring-boot-starter.api"),
        ApiSurface.of(starterClasses(), "dev.mesh4j.spring.autoconfigure", "dev.mesh4j.spring.autoconfigure.actuate",
            "dev.mesh4j.spring.autoconfigure.client", "dev.mesh4j.spring.autoconfigure.metrics",
            "dev.mesh4j.spring.autoconfigure.web", "dev.mesh4j.spring.autoconfigure.ssl"));
  }
}
