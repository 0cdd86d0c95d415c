package dev.mesh4j.istiod.internal;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs a companion source (the Kubernetes source, a folder of manifests) for its
 * DestinationRules only: what it delivers is kept here, not applied to the mesh, and every change
 * hands the istiod source the DestinationRules by FQDN host, to fill in what istiod's gRPC
 * generator drops. Its other resources and services are ignored.
 *
 * <p>Thread-safe: the companion may deliver from any thread.
 */
public final class Companion implements SourceContext {
  private final MeshSource source;
  private final SourceContext mesh;
  private final MeshView names;
  private final Consumer<Map<String, DestinationRule>> onChange;
  private final Map<ResourceKey, DestinationRule> rules = new LinkedHashMap<>();
  private long version;

  public Companion(MeshSource source, SourceContext mesh, MeshView names,
      Consumer<Map<String, DestinationRule>> onChange) {
    this.source = source;
    this.mesh = mesh;
    this.names = names;
    this.onChange = onChange;
  }

  public void start() {
    source.start(this);
  }

  public void close() {
    source.close();
  }

  @Override
  public SourceUpdate.Result apply(SourceUpdate update) {
    Map<String, DestinationRule> byHost;
    List<ConfigProblem> problems = new ArrayList<>();
    Set<ResourceKey> rejected = new LinkedHashSet<>();
    synchronized (this) {
      if (update.isFull()) {
        rules.clear();
      }
      for (SourceUpdate.Change c : update.items()) {
        if (c instanceof SourceUpdate.Resource r) {
          put(r.resource());
        } else if (c instanceof SourceUpdate.Manifests m) {
          decode(m.name(), m.text(), null, problems, rejected);
        } else if (c instanceof SourceUpdate.Manifest m) {
          rules.remove(normalize(m.key()));
          decode(m.name(), m.text(), m.key(), problems, rejected);
        } else if (c instanceof SourceUpdate.Delete d) {
          rules.remove(normalize(d.key()));
        }
      }
      version++;
      byHost = new TreeMap<>();
      for (DestinationRule dr : rules.values()) {
        byHost.putIfAbsent(names.fqdn(dr.host(), dr.metadata().namespace()), dr);
      }
    }
    onChange.accept(byHost);
    return new SourceUpdate.Result(true, version, problems, rejected);
  }

  private void decode(String name, String text, ResourceKey key, List<ConfigProblem> problems,
      Set<ResourceKey> rejected) {
    try {
      MeshConfig config = MeshConfig.fromYaml(name, text);
      problems.addAll(config.warnings());
      config.resources().forEach(this::put);
    } catch (MeshConfigException e) {
      problems.addAll(e.problems());
      if (key != null) {
        rejected.add(key);
      }
    }
  }

  private void put(IstioResource r) {
    if (r instanceof DestinationRule dr) {
      if (dr.metadata().namespace().isEmpty()) {
        dr = dr.toBuilder().namespace(mesh.workload().namespace()).build();
      }
      rules.put(ResourceKey.of(dr), dr);
    }
  }

  private ResourceKey normalize(ResourceKey key) {
    return key.namespace().isEmpty() ? new ResourceKey(key.kind(), mesh.workload().namespace(), key.name()) : key;
  }

  @Override
  public void synced() {
    AdsClient.log.debug("{}: companion source synced", source.name());
  }

  @Override
  public void status(SourceStatus.State state, String message) {
    AdsClient.log.info("companion source {}: {} {}", source.name(), state, message);
  }

  @Override
  public Workload workload() {
    return mesh.workload();
  }

  @Override
  public Scheduler scheduler() {
    return mesh.scheduler();
  }

  @Override
  public Ticker ticker() {
    return mesh.ticker();
  }

  @Override
  public Clock clock() {
    return mesh.clock();
  }
}
