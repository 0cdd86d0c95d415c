package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where manifests come from: a file, a folder, a classpath resource or a string. Re-read on
 * every load, so that a reload sees the current contents.
 */
public sealed interface ConfigSource {

  /** The texts this source holds now, each with the name used in problem messages. */
  List<SourceText> read(Problems problems);

  /** A manifest's text and the name it is reported under. */
  record SourceText(String name, String text, boolean json) {}

  /**
   * The largest file or resource read, in bytes: past it nothing is read into memory (a file holds
   * many documents, each at most {@link ManifestParser#MAX_DOCUMENT_CHARS}).
   */
  long MAX_FILE_BYTES = 64L * 1024 * 1024;

  static ConfigSource file(Path path) {
    return new FileSource(path);
  }

  static ConfigSource directory(Path path) {
    return new DirectorySource(path);
  }

  static ConfigSource resource(String name, ClassLoader loader) {
    return new ResourceSource(name, loader);
  }

  static ConfigSource yaml(String name, String text) {
    return new StringSource(name, text);
  }

  /** Whether a file name is a manifest mesh4j reads from folders. */
  static boolean isManifest(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static boolean isJson(String name) {
    return name.toLowerCase(Locale.ROOT).endsWith(".json");
  }

  /** One file. */
  record FileSource(Path path) implements ConfigSource {
    public FileSource {
      requireNonNull(path, "path");
    }

    @Override
    public List<SourceText> read(Problems problems) {
      String name = path.toString();
      try {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
          problems.error(new dev.mesh4j.api.config.ConfigOrigin(name, 1), "", tooLarge(size));
          return List.of();
        }
        return List.of(new SourceText(name, Files.readString(path, StandardCharsets.UTF_8), isJson(name)));
      } catch (IOException | UncheckedIOException e) {
        problems.error(new dev.mesh4j.api.config.ConfigOrigin(name, 1), "",
            "cannot read file: " + describe(e));
        return List.of();
      }
    }
  }

  /** Every {@code *.yaml}, {@code *.yml} and {@code *.json} file under a folder, by path. */
  record DirectorySource(Path path) implements ConfigSource {
    public DirectorySource {
      requireNonNull(path, "path");
    }

    @Override
    public List<SourceText> read(Problems problems) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(path)) {
        files = walk.filter(Files::isRegularFile).filter(ConfigSource::isManifest).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        problems.error(new dev.mesh4j.api.config.ConfigOrigin(path.toString(), 1), "",
            "cannot read folder: " + describe(e));
        return List.of();
      }
      List<SourceText> out = new ArrayList<>();
      for (Path f : files) {
        out.addAll(new FileSource(f).read(problems));
      }
      return out;
    }
  }

  /** A classpath resource. */
  record ResourceSource(String name, ClassLoader loader) implements ConfigSource {
    public ResourceSource {
      requireNonNull(name, "name");
      requireNonNull(loader, "loader");
    }

    @Override
    public List<SourceText> read(Problems problems) {
      String resource = name.startsWith("/") ? name.substring(1) : name;
      String label = "classpath:" + resource;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          problems.error(new dev.mesh4j.api.config.ConfigOrigin(label, 1), "",
              "no such classpath resource");
          return List.of();
        }
        byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
          problems.error(new dev.mesh4j.api.config.ConfigOrigin(label, 1), "", tooLarge(bytes.length) + " or more");
          return List.of();
        }
        return List.of(new SourceText(label, new String(bytes, StandardCharsets.UTF_8), isJson(resource)));
      } catch (IOException e) {
        problems.error(new dev.mesh4j.api.config.ConfigOrigin(label, 1), "",
            "cannot read classpath resource: " + describe(e));
        return List.of();
      }
    }
  }

  /** Text given in code. */
  record StringSource(String name, String text) implements ConfigSource {
    public StringSource {
      requireNonNull(name, "name");
      requireNonNull(text, "text");
    }

    @Override
    public List<SourceText> read(Problems problems) {
      return List.of(new SourceText(name, text, false));
    }
  }

  private static String tooLarge(long size) {
    return "file of " + size + " bytes is larger than the " + MAX_FILE_BYTES + " (64 MiB) mesh4j reads";
  }

  private static String describe(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    String kind = t.getClass().getSimpleName();
    return t.getMessage() == null ? kind : kind + ": " + t.getMessage();
  }
}
