package dev.mesh4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.core.Mesh;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** How mesh.config-locations resolve: files and folders by path, manifests inside jars as text. */
class MeshConfigSourcesTests {
  @TempDir Path dir;

  @Test
  void fileFoldersAreReadAsFoldersAndSingleFilesAsFiles() throws Exception {
    Files.createDirectories(dir.resolve("istio/sub"));
    Files.writeString(dir.resolve("istio/sub/a.yaml"), "# empty\n");
    Files.writeString(dir.resolve("one.yml"), "# empty\n");
    MeshConfigSources sources = MeshConfigSources.resolve(
        List.of("file:" + dir.resolve("istio") + "/", "file:" + dir.resolve("one.yml")),
        new PathMatchingResourcePatternResolver());
    assertThat(sources.sources()).extracting(MeshConfigSources.Source::kind)
        .containsExactly(MeshConfigSources.Source.Kind.DIRECTORY, MeshConfigSources.Source.Kind.FILE);
    assertThat(sources.watchedPaths()).containsExactly(dir.resolve("istio"), dir.resolve("one.yml"));
  }

  @Test
  void aClasspathFolderIsFoundInEveryRootAndJarsAreReadAsText() throws Exception {
    Path jar = dir.resolve("config.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("istio/"));
      out.putNextEntry(new JarEntry("istio/ratings.yaml"));
      out.write(("""
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata: {name: ratings}
          spec:
            hosts: [ratings]
            ports: [{number: 9080, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints: [{address: 10.0.0.9}]
          """).getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Files.createDirectories(dir.resolve("classes/istio"));
    Files.writeString(dir.resolve("classes/istio/empty.yaml"), "# empty\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL(), jar.toUri().toURL()}, null)) {
      MeshConfigSources sources = MeshConfigSources.resolve(List.of("classpath:istio/"),
          new PathMatchingResourcePatternResolver(loader));
      assertThat(sources.sources()).extracting(MeshConfigSources.Source::kind)
          .containsExactly(MeshConfigSources.Source.Kind.DIRECTORY, MeshConfigSources.Source.Kind.TEXT);
      assertThat(sources.sources().get(1).name()).startsWith("jar:").endsWith("!/istio/ratings.yaml");
      Mesh.Builder builder = Mesh.builder();
      sources.applyTo(builder);
      try (Mesh mesh = builder.build()) {
        assertThat(mesh.describe().services()).extracting(MeshSummaryService -> MeshSummaryService.host())
            .containsExactly("ratings.default.svc.cluster.local");
      }
    }
  }

  @Test
  void onlyTheDefaultLocationMayBeAbsent() {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
        new URLClassLoader(new URL[0], null));
    assertThat(MeshConfigSources.resolve(List.of(MeshConfigSources.DEFAULT_LOCATION), resolver).sources()).isEmpty();
    assertThatThrownBy(() -> MeshConfigSources.resolve(List.of("file:" + dir.resolve("absent.yaml")), resolver))
        .hasMessageContaining("absent.yaml does not exist");
  }

  @Test
  void aLocationWithoutAPrefixIsAFilePath() throws Exception {
    Path file = dir.resolve("vs.yaml");
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("# empty\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(MeshConfigSources.resolve(List.of(file.toString()), new PathMatchingResourcePatternResolver())
        .sources()).singleElement().extracting(MeshConfigSources.Source::kind)
        .isEqualTo(MeshConfigSources.Source.Kind.FILE);
  }
}
