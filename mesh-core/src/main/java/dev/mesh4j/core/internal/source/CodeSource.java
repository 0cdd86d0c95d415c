package dev.mesh4j.core.internal.source;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceUpdate;

/**
 * Configuration given in code ({@code Mesh.builder().config(...)}, {@code mesh.apply(...)}),
 * delivered as one whole set of {@link SourceUpdate.Resource} changes, which the mesh validates as
 * their YAML: {@link #replace} swaps it atomically or refuses it, keeping the set in force.
 * Thread-safe.
 */
public final class CodeSource implements MeshSource {
  private volatile MeshConfig config;
  private volatile SourceContext context;

  public CodeSource(MeshConfig config) {
    this.config = requireNonNull(config, "config");
  }

  @Override
  public String name() {
    return "code";
  }

  @Override
  public void start(SourceContext context) {
    this.context = requireNonNull(context, "context");
    deliver(config);
    context.synced();
  }

  /**
   * Replaces the configuration given in code.
   *
   * @throws MeshConfigException when it is invalid; the configuration in force keeps serving
   */
  public void replace(MeshConfig next) {
    requireNonNull(next, "config");
    deliver(next);
    config = next;
  }

  private void deliver(MeshConfig c) {
    SourceUpdate.Builder update = SourceUpdate.replaceAll();
    for (IstioResource r : c.resources()) {
      update.resource(r);
    }
    SourceUpdate.Result result = context.apply(update.build());
    if (!result.applied() && !result.errors().isEmpty()) {
      throw new MeshConfigException(result.problems());
    }
  }
}
