package dev.mesh4j.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Istio manifest corpus on the test classpath ({@code /istio-samples}, from mesh-core's test
 * jar) and its INDEX.md, the conformance contract.
 */
final class Corpus {
  static final String ROOT = "istio-samples";

  private static final Pattern FOLDER = Pattern.compile("^## (\\S+)/");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*([^|\\s]+\\.ya?ml)\\s*\\|");

  private Corpus() {}

  /** The classpath resource of a corpus file named {@code folder/file.yaml}. */
  static String resource(String file) {
    String r = ROOT + "/" + file;
    if (Corpus.class.getClassLoader().getResource(r) == null) {
      throw new IllegalArgumentException("no corpus file " + file + " on the classpath");
    }
    return r;
  }

  /** Every file INDEX.md has a line for, as {@code folder/file.yaml}, in INDEX order. */
  static List<String> indexedFiles() {
    List<String> files = new ArrayList<>();
    String folder = null;
    for (String line : read(ROOT + "/INDEX.md").split("\n")) {
      Matcher f = FOLDER.matcher(line);
      if (f.find()) {
        folder = f.group(1);
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        if (folder == null) {
          throw new IllegalStateException("INDEX.md lists " + row.group(1) + " before any folder heading");
        }
        files.add(folder + "/" + row.group(1));
      }
    }
    return files;
  }

  /** Every manifest in the corpus folders, as {@code folder/file.yaml}. */
  static List<String> allFiles() {
    try {
      URL url = Corpus.class.getClassLoader().getResource(ROOT + "/INDEX.md");
      if (url == null) {
        throw new IllegalStateException("corpus not found on the classpath");
      }
      if (url.getProtocol().equals("jar")) {
        // mesh-core's test jar from the local repository rather than the reactor's directory.
        try (FileSystem jar = FileSystems.newFileSystem(url.toURI(), Map.of())) {
          return list(jar.getPath("/" + ROOT));
        }
      }
      return list(Path.of(url.toURI()).getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> list(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  private static String read(String resource) {
    try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
