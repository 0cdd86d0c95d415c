package dev.mesh4j.core.internal.source;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.config.ManifestReader;
import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.discovery.CatalogBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The sources of one mesh and what each delivered. Validates updates against a source's state
 * ({@link #stage}; resources built in code as their manifests, by the same decoders), applies
 * them ({@link #commit}) and assembles one configuration from all
 * sources ({@link #assemble}): resources in source order, a later source's resource replacing an
 * earlier source's of the same kind, namespace and name, as a later {@code kubectl apply} would.
 *
 * <p>Not thread-safe: the owning mesh calls it under its lock, one update at a time.
 */
public final class SourceHub {
  private final Workload workload;
  private final List<SourceState> states = new ArrayList<>();

  public SourceHub(Workload workload) {
    this.workload = workload;
  }

  /** Adds a source; sources added later take precedence over earlier ones. */
  public SourceState add(MeshSource source, Instant now) {
    SourceState state = new SourceState(source, now);
    states.add(state);
    return state;
  }

  public List<SourceState> states() {
    return List.copyOf(states);
  }

  /** Validates an update against a source's state, without applying it. */
  public Staged stage(SourceState state, SourceUpdate update) {
    return new Stager(state, update.isFull()).run(update);
  }

  /**
   * What a committed update asks of the snapshot, and how to take it back.
   *
   * @param recompile whether routes must be compiled again
   * @param routesOnly when recompiling, whether only VirtualServices changed (and services, if any,
   *     only in their endpoints): services and clusters can be kept and the endpoint changes applied
   *     to them
   * @param endpointsOnly the services whose endpoints alone changed (empty when recompiling
   *     everything)
   * @param services every service whose definition or endpoints changed, as the mesh sees it
   * @param undo restores the source's state as it was before the commit, for when the snapshot
   *     it asks for cannot be compiled
   */
  public record Effect(boolean recompile, boolean routesOnly, List<String> endpointsOnly,
      List<String> services, Undo undo) {

    /** Whether the update changed anything the mesh uses. */
    public boolean changed() {
      return recompile || !services.isEmpty();
    }
  }

  /**
   * Applies a staged update to its source's state.
   *
   * @return whether routes must be compiled again, or which services changed only their
   *     endpoints (as the mesh sees them: a service another source overrides does not count)
   */
  public Effect commit(Staged s) {
    SourceState state = s.state();
    Undo undo = new Undo(state, s);
    if (!s.accepted()) {
      state.refused = s.problems().stream().filter(ConfigProblem::isError).toList();
      return new Effect(false, false, List.of(), List.of(), undo);
    }
    state.refused = List.of();
    boolean recompile = s.full() ? !state.resources.equals(s.resources()) : changes(state.resources, s.resources());
    boolean routesOnly = recompile && onlyVirtualServicesDiffer(state.resources, s.resources(), s.full());
    apply(state.resources, s.resources(), s.full());
    apply(state.rejected, s.rejections(), s.full());

    List<String> endpointsOnly = new ArrayList<>();
    List<String> changedServices = new ArrayList<>();
    Set<String> hosts = new LinkedHashSet<>(s.services().keySet());
    if (s.full()) {
      hosts.addAll(state.services.keySet());
    }
    for (String host : hosts) {
      ServiceEndpoints before = state.services.get(host);
      ServiceEndpoints after = s.full() ? s.services().get(host) : s.services().containsKey(host)
          ? s.services().get(host) : before;
      if (Objects.equals(before, after) || overridden(state, host)) {
        continue;
      }
      changedServices.add(host);
      if (before != null && after != null && endpointsOnly(before, after)) {
        endpointsOnly.add(host);
      } else {
        recompile = true;
        routesOnly = false;
      }
    }
    apply(state.services, s.services(), s.full());
    return new Effect(recompile, routesOnly, recompile && !routesOnly ? List.of() : endpointsOnly,
        changedServices, undo);
  }

  /**
   * A source's state as it was before a commit: for each of its maps the earlier values of the
   * keys the update changes (null: absent), which costs in proportion to the change — or, where
   * the update replaces the map or removes a key (after which restoring the earlier values alone
   * would not restore the order of the resources), a copy of the whole map.
   */
  public static final class Undo {
    private final SourceState state;
    private final List<ConfigProblem> refused;
    private final Earlier<ResourceKey, SourceState.Held> resources;
    private final Earlier<ResourceKey, List<ConfigProblem>> rejected;
    private final Earlier<String, ServiceEndpoints> services;

    Undo(SourceState state, Staged s) {
      this.state = state;
      this.refused = state.refused;
      boolean applied = s.accepted();
      this.resources = new Earlier<>(state.resources, applied ? s.resources() : Map.of(), applied && s.full());
      this.rejected = new Earlier<>(state.rejected, applied ? s.rejections() : Map.of(), applied && s.full());
      this.services = new Earlier<>(state.services, applied ? s.services() : Map.of(), applied && s.full());
    }

    /** Puts the source's state back as it was before the commit. */
    public void rollback() {
      state.refused = refused;
      resources.restore(state.resources);
      rejected.restore(state.rejected);
      services.restore(state.services);
    }
  }

  /** The part of one map an update is about to change, as it was. */
  private static final class Earlier<K, V> {
    private final @Nullable Map<K, V> whole;
    private final Map<K, @Nullable V> values;

    Earlier(Map<K, V> current, Map<K, V> changes, boolean full) {
      boolean removes = false;
      if (!full) {
        for (Map.Entry<K, V> e : changes.entrySet()) {
          removes |= e.getValue() == null && current.containsKey(e.getKey());
        }
      }
      if (full || removes) {
        this.whole = new LinkedHashMap<>(current);
        this.values = Map.of();
      } else {
        this.whole = null;
        this.values = new LinkedHashMap<>();
        for (K k : changes.keySet()) {
          values.put(k, current.get(k));
        }
      }
    }

    void restore(Map<K, V> current) {
      if (whole != null) {
        current.clear();
        current.putAll(whole);
        return;
      }
      values.forEach((k, v) -> {
        if (v == null) {
          current.remove(k);
        } else {
          current.put(k, v);
        }
      });
    }
  }

  /** Whether every resource an update changes (adds, replaces or deletes) is a VirtualService. */
  private static boolean onlyVirtualServicesDiffer(Map<ResourceKey, SourceState.Held> current,
      Map<ResourceKey, SourceState.Held> changes, boolean full) {
    for (Map.Entry<ResourceKey, SourceState.Held> e : changes.entrySet()) {
      if (!Objects.equals(e.getValue(), current.get(e.getKey())) && !isVirtualService(e.getKey())) {
        return false;
      }
    }
    if (full) {
      for (ResourceKey k : current.keySet()) {
        if (!changes.containsKey(k) && !isVirtualService(k)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isVirtualService(ResourceKey key) {
    return key.kind().equals("VirtualService");
  }

  /**
   * Whether two versions of a service differ in their endpoints alone: same host, namespace,
   * visibility and ports — and, for a service whose ports follow from its endpoints (declared
   * in code), the same ports with endpoints.
   */
  static boolean endpointsOnly(ServiceEndpoints before, ServiceEndpoints after) {
    if (!before.withEndpoints(after.endpoints()).equals(after)) {
      return false;
    }
    return !after.ports().isEmpty() || before.endpoints().keySet().equals(after.endpoints().keySet());
  }

  private static <K, V> boolean changes(Map<K, V> current, Map<K, V> changes) {
    for (Map.Entry<K, V> e : changes.entrySet()) {
      V now = current.get(e.getKey());
      if (e.getValue() == null ? now != null : !e.getValue().equals(now)) {
        return true;
      }
    }
    return false;
  }

  private static <K, V> void apply(Map<K, V> current, Map<K, V> changes, boolean full) {
    if (full) {
      current.clear();
    }
    changes.forEach((k, v) -> {
      if (v == null) {
        current.remove(k);
      } else {
        current.put(k, v);
      }
    });
  }

  /** Whether a source added after {@code state} delivers the same service (and so wins). */
  private boolean overridden(SourceState state, String host) {
    for (int i = states.indexOf(state) + 1; i < states.size(); i++) {
      if (states.get(i).services.containsKey(host)) {
        return true;
      }
    }
    return false;
  }

  /** The service the mesh uses for a host: the one of the last source that delivers it. */
  public CatalogBuilder.@Nullable Registered effectiveService(String host) {
    for (int i = states.size() - 1; i >= 0; i--) {
      ServiceEndpoints s = states.get(i).services.get(host);
      if (s != null) {
        return new CatalogBuilder.Registered(s, states.get(i).name);
      }
    }
    return null;
  }

  /** Every source's resources and services as one configuration. */
  public record Assembly(MeshConfig config, List<CatalogBuilder.Registered> services) {}

  public Assembly assemble() {
    Problems problems = new Problems();
    Map<ResourceKey, IstioResource> resources = new LinkedHashMap<>();
    Map<ResourceKey, String> from = new LinkedHashMap<>();
    Map<String, CatalogBuilder.Registered> services = new LinkedHashMap<>();
    for (SourceState state : states) {
      for (Map.Entry<ResourceKey, SourceState.Held> e : state.resources.entrySet()) {
        SourceState.Held held = e.getValue();
        held.warnings().forEach(problems::add);
        String earlier = from.put(e.getKey(), state.name);
        IstioResource replaced = resources.put(e.getKey(), held.resource());
        if (replaced != null) {
          problems.warn(held.resource().metadata().origin(), "metadata.name", e.getKey() + " of source " + state.name
              + " replaces the one of source " + earlier + " (" + replaced.metadata().origin() + ")");
        }
      }
      for (Map.Entry<String, ServiceEndpoints> e : state.services.entrySet()) {
        CatalogBuilder.Registered replaced = services.put(e.getKey(),
            new CatalogBuilder.Registered(e.getValue(), state.name));
        if (replaced != null) {
          problems.warn(new ConfigOrigin(state.name, 1), "", "service " + e.getKey() + " of source " + state.name
              + " replaces the one of source " + replaced.source());
        }
      }
    }
    return new Assembly(new MeshConfig(List.copyOf(resources.values()), problems.warnings()),
        List.copyOf(services.values()));
  }

  /** What the sources could not apply: each per-resource rejection and each refused update. */
  public List<ConfigProblem> rejections() {
    List<ConfigProblem> out = new ArrayList<>();
    for (SourceState state : states) {
      out.addAll(state.refused);
      state.rejected.values().forEach(out::addAll);
    }
    return out;
  }

  /** The canonical name of a service host, as keys of services and the catalog use it. */
  String canonicalHost(String host, String namespace) {
    return Hosts.resolve(host.toLowerCase(java.util.Locale.ROOT),
        namespace.isEmpty() ? workload.namespace() : namespace, workload.domainSuffix());
  }

  private ResourceKey normalize(ResourceKey key) {
    return key.namespace().isEmpty() ? new ResourceKey(key.kind(), workload.namespace(), key.name()) : key;
  }

  /** Validates one update; a fresh one per update. */
  private final class Stager {
    private final SourceState state;
    private final boolean full;
    private final boolean perResource;
    private final Map<ResourceKey, SourceState.Held> resources = new LinkedHashMap<>();
    private final Map<ResourceKey, List<ConfigProblem>> rejections = new LinkedHashMap<>();
    private final Map<String, ServiceEndpoints> services = new LinkedHashMap<>();
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<ResourceKey> rejected = new LinkedHashSet<>();
    private boolean errors;

    Stager(SourceState state, boolean full) {
      this.state = state;
      this.full = full;
      this.perResource = state.validation == MeshSource.Validation.PER_RESOURCE;
    }

    Staged run(SourceUpdate update) {
      String namespace = workload.namespace();
      for (SourceUpdate.Change change : update.items()) {
        if (change instanceof SourceUpdate.Resource r) {
          resource(normalize(ResourceKey.of(r.resource())), ManifestReader.validate(r.resource(), namespace));
        } else if (change instanceof SourceUpdate.Manifests m) {
          for (ManifestReader.Decoded d : ManifestReader.read(new SourceText(m.name(), m.text(), m.json()), namespace)) {
            document(d);
          }
        } else if (change instanceof SourceUpdate.Manifest m) {
          List<ManifestReader.Decoded> docs = ManifestReader.read(new SourceText(m.name(), m.text(), false), namespace);
          manifest(normalize(m.key()), m.name(), docs);
        } else if (change instanceof SourceUpdate.Delete d) {
          ResourceKey key = normalize(d.key());
          remove(resources, key);
          remove(rejections, key);
        } else if (change instanceof SourceUpdate.Service s) {
          services.put(canonicalHost(s.service().host(), s.service().namespace()), s.service());
        } else if (change instanceof SourceUpdate.ServiceRemoval r) {
          remove(services, canonicalHost(r.host(), r.namespace()));
        }
      }
      boolean accepted = perResource || !errors;
      return new Staged(state, full, accepted, resources, rejections, services, List.copyOf(problems),
          accepted ? rejected : allKeys());
    }

    /** In a full update a removal is an absence; in a change set it is a null value. */
    private <K, V> void remove(Map<K, V> map, K key) {
      if (full) {
        map.remove(key);
      } else {
        map.put(key, null);
      }
    }

    private void document(ManifestReader.Decoded d) {
      problems.addAll(d.problems());
      if (!d.hasErrors()) {
        for (IstioResource r : d.resources()) {
          put(ResourceKey.of(r), new SourceState.Held(r, d.problems()));
        }
        return;
      }
      errors = true;
      for (IstioResource r : d.resources()) {
        reject(ResourceKey.of(r), d.problems());
      }
    }

    /**
     * A resource built in code, validated as its manifest ({@link ManifestReader#validate}) and
     * then treated as a document holding it; rejected under its own key, whether or not the
     * decoder could read anything from it.
     */
    private void resource(ResourceKey key, ManifestReader.Decoded d) {
      problems.addAll(d.problems());
      if (d.hasErrors()) {
        errors = true;
        reject(key, d.problems());
        return;
      }
      for (IstioResource r : d.resources()) {
        put(key, new SourceState.Held(r, d.problems()));
      }
    }

    /** A document that must hold exactly the resource {@code key} (a watch event's object). */
    private void manifest(ResourceKey key, String name, List<ManifestReader.Decoded> docs) {
      List<IstioResource> found = new ArrayList<>();
      List<ConfigProblem> docProblems = new ArrayList<>();
      boolean bad = false;
      for (ManifestReader.Decoded d : docs) {
        docProblems.addAll(d.problems());
        found.addAll(d.resources());
        bad |= d.hasErrors();
      }
      if (!bad && (found.size() != 1 || !ResourceKey.of(found.get(0)).equals(key))) {
        docProblems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, new ConfigOrigin(name, 1), "",
            "expected " + key + ", found " + (found.isEmpty() ? "no resource mesh4j reads"
                : found.stream().map(r -> ResourceKey.of(r).toString()).toList())));
        bad = true;
      }
      problems.addAll(docProblems);
      if (bad) {
        errors = true;
        reject(key, docProblems);
      } else {
        put(key, new SourceState.Held(found.get(0), docProblems));
      }
    }

    private void put(ResourceKey key, SourceState.Held held) {
      SourceState.Held earlier = resources.get(key);
      if (earlier != null) {
        // kubectl apply -f folder/: a later document with the same kind, namespace and name wins.
        ConfigProblem replaced = new ConfigProblem(ConfigProblem.Severity.WARNING,
            held.resource().metadata().origin(), "metadata.name", key + " replaces the one defined in "
            + earlier.resource().metadata().origin() + ", as a later kubectl apply would");
        problems.add(replaced);
        List<ConfigProblem> warnings = new ArrayList<>(held.warnings());
        warnings.add(replaced);
        held = new SourceState.Held(held.resource(), warnings);
      }
      resources.put(key, held);
      if (!full) {
        rejections.put(key, null);
      }
    }

    /** A per-resource source keeps serving what it delivered before under {@code key}. */
    private void reject(ResourceKey key, List<ConfigProblem> found) {
      rejected.add(key);
      rejections.put(key, found.stream().filter(ConfigProblem::isError).toList());
      if (full && !resources.containsKey(key)) {
        SourceState.Held before = state.resources.get(key);
        if (before != null) {
          resources.put(key, before);
        }
      }
    }

    private Set<ResourceKey> allKeys() {
      Set<ResourceKey> keys = new LinkedHashSet<>(resources.keySet());
      keys.addAll(rejected);
      return keys;
    }
  }
}
