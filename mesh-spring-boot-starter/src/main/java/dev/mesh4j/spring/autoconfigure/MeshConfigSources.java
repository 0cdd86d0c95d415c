package dev.mesh4j.spring.autoconfigure;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The Istio manifests {@code mesh.config-locations} names, resolved once at start-up.
 *
 * <p>A location on the file system (a {@code file:} path, or a {@code classpath:} folder of an
 * exploded classpath such as {@code target/classes}) is read by path, so a reload sees its current
 * contents: a folder read as a folder picks up files added later. A {@code classpath:} folder is
 * searched in every classpath root ({@code classpath*:mesh/**}); its manifests inside jars are
 * read once, as text, and a reload reads that same text again. The default location
 * ({@code classpath:mesh/}) may be absent; a location the application names must exist. A
 * location without a prefix is a file-system path.
 * Immutable.
 */
public final class MeshConfigSources {
  /** Where manifests are looked for when {@code mesh.config-locations} is not set. */
  public static final String DEFAULT_LOCATION = "classpath:mesh/";

  private static final List<String> EXTENSIONS = List.of("yaml", "yml", "json");

  /** One resolved source: a file or folder read by path, or a manifest's text. */
  public record Source(String name, Kind kind, Path path, String text) {
    /** How a source is read. */
    public enum Kind {
      /** A file, re-read on reload. */
      FILE,
      /** A folder, listed and re-read on reload. */
      DIRECTORY,
      /** Text read at start-up (a manifest inside a jar). */
      TEXT
    }
  }

  private final List<Source> sources;

  private MeshConfigSources(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  /**
   * Resolves locations.
   *
   * @throws IllegalStateException when a location other than the default does not exist or
   *     cannot be read
   */
  public static MeshConfigSources resolve(List<String> locations, ResourcePatternResolver resolver) {
    requireNonNull(locations, "locations");
    requireNonNull(resolver, "resolver");
    List<Source> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String location : locations) {
      String trimmed = withPrefix(location.trim());
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        int before = out.size();
        resolveOne(trimmed, resolver, out, seen);
        if (out.size() == before && !trimmed.equals(DEFAULT_LOCATION) && !exists(trimmed, resolver)) {
          throw new IllegalStateException("mesh.config-locations: " + trimmed + " does not exist");
        }
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalStateException("mesh.config-locations: cannot read " + trimmed + ": " + e.getMessage(), e);
      }
    }
    return new MeshConfigSources(out);
  }

  private static void resolveOne(String location, ResourcePatternResolver resolver, List<Source> out, Set<String> seen)
      throws IOException {
    Resource resource = resolver.getResource(location);
    Path path = filePath(resource);
    if (path != null && path.toFile().isDirectory()) {
      add(out, seen, new Source(path.toString(), Source.Kind.DIRECTORY, path, ""));
      if (!location.startsWith("classpath:")) {
        return;
      }
    } else if (path != null && path.toFile().isFile()) {
      add(out, seen, new Source(path.toString(), Source.Kind.FILE, path, ""));
      return;
    } else if (!location.endsWith("/") && resource.exists()) {
      add(out, seen, text(resource));
      return;
    }
    if (!location.endsWith("/") && !location.startsWith("classpath:")) {
      return;
    }
    // A classpath folder: every root that has it, jars included.
    String folder = location.endsWith("/") ? location : location + "/";
    String pattern = folder.startsWith("classpath:") ? "classpath*:" + folder.substring("classpath:".length()) : folder;
    // One search for every extension: each search lists the folder in every classpath root.
    List<Resource> found = new ArrayList<>();
    for (Resource r : resolver.getResources(pattern + "**/*.*")) {
      if (isManifest(r)) {
        found.add(r);
      }
    }
    found.sort(Comparator.comparing(MeshConfigSources::describe));
    for (Resource r : found) {
      Path p = filePath(r);
      if (p != null && inDirectory(out, p)) {
        continue;  // already read as part of a folder
      }
      add(out, seen, p != null ? new Source(p.toString(), Source.Kind.FILE, p, "") : text(r));
    }
  }

  /** A location without a prefix is a file-system path, as in Boot's own config locations. */
  private static String withPrefix(String location) {
    int colon = location.indexOf(':');
    boolean prefixed = colon > 1 && location.substring(0, colon).chars()
        .allMatch(c -> Character.isLetterOrDigit(c) || c == '*' || c == '+' || c == '.' || c == '-');
    return prefixed || location.isEmpty() ? location : "file:" + location;
  }

  private static boolean isManifest(Resource r) {
    String name = r.getFilename();
    int dot = name == null ? -1 : name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  private static boolean exists(String location, ResourcePatternResolver resolver) {
    return resolver.getResource(location).exists();
  }

  private static boolean inDirectory(List<Source> out, Path file) {
    for (Source s : out) {
      if (s.kind() == Source.Kind.DIRECTORY && file.startsWith(s.path())) {
        return true;
      }
    }
    return false;
  }

  private static void add(List<Source> out, Set<String> seen, Source s) {
    if (seen.add(s.kind() + " " + s.name())) {
      out.add(s);
    }
  }

  private static Source text(Resource r) throws IOException {
    return new Source(describe(r), Source.Kind.TEXT, Path.of(""), r.getContentAsString(StandardCharsets.UTF_8));
  }

  private static String describe(Resource r) {
    try {
      return r.getURL().toString();
    } catch (IOException e) {
      return r.getDescription();
    }
  }

  private static @Nullable Path filePath(Resource r) {
    if (!r.isFile()) {
      return null;
    }
    try {
      return r.getFile().toPath().toAbsolutePath().normalize();
    } catch (IOException e) {
      return null;
    }
  }

  /** Adds every source to a mesh builder, in order. */
  public void applyTo(Mesh.Builder builder) {
    for (Source s : sources) {
      switch (s.kind()) {
        case FILE -> builder.configFile(s.path());
        case DIRECTORY -> builder.configDirectory(s.path());
        case TEXT -> builder.configYaml(s.name(), s.text());
      }
    }
  }

  /** The sources, in the order they are read. */
  public List<Source> sources() {
    return sources;
  }

  /** The files and folders a reload re-reads (the sources that are not text). */
  public List<Path> watchedPaths() {
    return sources.stream().filter(s -> s.kind() != Source.Kind.TEXT).map(Source::path).toList();
  }
}
