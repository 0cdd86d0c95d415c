package dev.mesh4j.core.internal.source;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.internal.config.ConfigLoader;
import dev.mesh4j.core.internal.config.ConfigSource;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.Problems;
import java.util.List;

/**
 * Manifests read from a file, a folder, a classpath resource or a string, delivered as one
 * {@linkplain MeshSource.Validation#WHOLE_SET whole set}: the set a user edits together, so a bad
 * file refuses the update and the set in force keeps serving. Written on the public source SPI
 * only. Re-read on {@link #reload()}; {@link #hasChanged()} compares what the files hold now with
 * what was read last (whether or not it was accepted, so a bad edit is not retried until it
 * changes again). Thread-safe.
 */
public final class TextSource implements MeshSource {
  private final ConfigSource reader;
  private final String name;
  private volatile long fingerprint;
  private volatile SourceContext context;

  public TextSource(ConfigSource reader, String name) {
    this.reader = requireNonNull(reader, "reader");
    this.name = requireNonNull(name, "name");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void start(SourceContext context) {
    this.context = requireNonNull(context, "context");
    deliver();
    context.synced();
  }

  @Override
  public void reload() {
    deliver();
  }

  @Override
  public boolean hasChanged() {
    return ConfigLoader.fingerprint(List.of(reader)) != fingerprint;
  }

  private void deliver() {
    // Read before delivering: an edit made while the update applies is seen by the next check.
    fingerprint = ConfigLoader.fingerprint(List.of(reader));
    Problems problems = new Problems();
    List<SourceText> texts = reader.read(problems);
    problems.throwIfErrors();
    SourceUpdate.Builder update = SourceUpdate.replaceAll();
    for (SourceText t : texts) {
      if (t.json()) {
        update.json(t.name(), t.text());
      } else {
        update.yaml(t.name(), t.text());
      }
    }
    SourceUpdate.Result result = context.apply(update.build());
    if (!result.applied() && !result.errors().isEmpty()) {
      throw new MeshConfigException(result.problems());
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
