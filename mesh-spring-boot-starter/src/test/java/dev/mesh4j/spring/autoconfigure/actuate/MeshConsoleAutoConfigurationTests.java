package dev.mesh4j.spring.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.console.MeshConsole;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The console endpoint exists, and the console attaches to the mesh, only when it is exposed. */
class MeshConsoleAutoConfigurationTests {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class, MeshConsoleAutoConfiguration.class));

  @Test
  void exposedOverHttpItIsAnEndpointWithAnAttachedConsole() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=meshconsole").run(context -> {
      assertThat(context).hasSingleBean(MeshConsoleEndpoint.class).hasSingleBean(MeshConsole.class);
      MeshConsole console = context.getBean(MeshConsole.class);
      assertThat(new String(console.handle("state", java.util.Map.of()).body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"services\":[]");
    });
  }

  @Test
  void notExposedNothingAttachesToTheMesh() {
    runner.run(context -> assertThat(context).doesNotHaveBean(MeshConsoleEndpoint.class)
        .doesNotHaveBean(MeshConsole.class).hasSingleBean(Mesh.class));
  }

  @Test
  void withoutMeshConsoleOnTheClassPathItBacksOff() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=meshconsole")
        .withClassLoader(new FilteredClassLoader(MeshConsole.class))
        .run(context -> assertThat(context).doesNotHaveBean(MeshConsoleEndpoint.class).hasSingleBean(Mesh.class));
  }
}
