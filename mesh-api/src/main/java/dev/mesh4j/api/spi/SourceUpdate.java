package dev.mesh4j.api.spi;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a source hands the mesh in one go: Istio resources to add, replace or delete, and services
 * whose endpoints changed. The mesh applies one update atomically — one new snapshot, or none —
 * and in order: for one key, the last change in the update wins.
 *
 * <p>A {@linkplain #replaceAll() full} update replaces everything the source delivered before
 * (resources and services alike): what it does not contain is gone. A {@linkplain #changes()
 * change set} touches only what it names.
 *
 * <pre>{@code
 * context.apply(SourceUpdate.changes()
 *     .manifest(new ResourceKey("VirtualService", "default", "reviews"), "kubernetes", json)
 *     .service(ServiceEndpoints.builder("reviews", "default").port(9080, "http").endpoint(9080, pod).build())
 *     .build());
 * }</pre>
 *
 * <p>Resources arrive either built ({@link #resource}) or as manifest text that the mesh decodes
 * ({@link #yaml}, {@link #json}, {@link #manifest}), so a source needs no YAML or JSON library of
 * its own. Immutable.
 */
public final class SourceUpdate {
  private final boolean full;
  private final List<Change> changes;

  private SourceUpdate(boolean full, List<Change> changes) {
    this.full = full;
    this.changes = List.copyOf(changes);
  }

  /** An update that replaces everything the source delivered before. */
  public static Builder replaceAll() {
    return new Builder(true);
  }

  /** An update that changes only what it names. */
  public static Builder changes() {
    return new Builder(false);
  }

  /** Whether this update replaces everything the source delivered before. */
  public boolean isFull() {
    return full;
  }

  /** The changes, in the order given. */
  public List<Change> items() {
    return changes;
  }

  @Override
  public String toString() {
    return (full ? "replaceAll" : "changes") + changes;
  }

  /** One change of an update. */
  public sealed interface Change {}

  /**
   * Adds or replaces a resource built in code, under {@link ResourceKey#of its key}. It is
   * validated as its manifest would be, with the same problems at the same field paths; a
   * resource built in code ({@link dev.mesh4j.api.config.ConfigOrigin#PROGRAMMATIC}) is named in
   * them by kind, namespace and name ({@code VirtualService default/reviews}).
   */
  public record Resource(IstioResource resource) implements Change {
    public Resource {
      requireNonNull(resource, "resource");
    }
  }

  /**
   * Adds or replaces every resource of a manifest text — one or more documents, as
   * {@code kubectl apply -f} reads a file — each under its own kind, namespace and name.
   * Problems are reported under {@code name#document}. Kinds mesh4j does not read are skipped.
   *
   * @param name how problems name the text, e.g. a file path
   * @param text the documents
   * @param json whether the text is JSON (else YAML, which also reads JSON)
   */
  public record Manifests(String name, String text, boolean json) implements Change {
    public Manifests {
      requireNonNull(name, "name");
      requireNonNull(text, "text");
    }
  }

  /**
   * Adds or replaces one resource given as a single manifest document (YAML or JSON) that the
   * source knows to be {@code key} — as a watch event names its object. When the document cannot
   * be read, a per-resource source keeps what it delivered last under the key.
   *
   * @param key the resource the document is
   * @param name how problems name the document, e.g. {@code kubernetes}
   * @param text the document
   */
  public record Manifest(ResourceKey key, String name, String text) implements Change {
    public Manifest {
      requireNonNull(key, "key");
      requireNonNull(name, "name");
      requireNonNull(text, "text");
    }
  }

  /** Removes the resource delivered under {@code key}, if any. */
  public record Delete(ResourceKey key) implements Change {
    public Delete {
      requireNonNull(key, "key");
    }
  }

  /**
   * Adds or replaces a service and its endpoints, keyed by its host and namespace. When only
   * its endpoints changed, the mesh updates the service's clusters alone, without compiling
   * routes again.
   */
  public record Service(ServiceEndpoints service) implements Change {
    public Service {
      requireNonNull(service, "service");
    }
  }

  /** Removes a service delivered before, by the host and namespace it was delivered with. */
  public record ServiceRemoval(String host, String namespace) implements Change {
    public ServiceRemoval {
      requireNonNull(host, "host");
      requireNonNull(namespace, "namespace");
    }
  }

  /**
   * What became of an update.
   *
   * @param applied whether the update is in force: false when a {@link MeshSource.Validation#WHOLE_SET}
   *     source's update had an error (then nothing of it applies) or the mesh is closed
   * @param version the configuration version in force after the update
   * @param problems errors and warnings found in the update's resources, each naming its origin
   *     and field path
   * @param rejected the keys a {@link MeshSource.Validation#PER_RESOURCE} source's update could
   *     not apply (invalid, or unreadable): for each, what the source delivered before keeps
   *     serving
   */
  public record Result(boolean applied, long version, List<ConfigProblem> problems, Set<ResourceKey> rejected) {
    public Result {
      problems = List.copyOf(problems);
      rejected = Set.copyOf(rejected);
    }

    /** Only the problems that are errors. */
    public List<ConfigProblem> errors() {
      return problems.stream().filter(ConfigProblem::isError).toList();
    }
  }

  /** Builds an update. Not thread-safe. */
  public static final class Builder {
    private final boolean full;
    private final List<Change> changes = new ArrayList<>();

    private Builder(boolean full) {
      this.full = full;
    }

    /** Adds or replaces a resource built in code. */
    public Builder resource(IstioResource resource) {
      changes.add(new Resource(resource));
      return this;
    }

    /** Adds or replaces the resources of a YAML text (one or more documents). */
    public Builder yaml(String name, String text) {
      changes.add(new Manifests(name, text, false));
      return this;
    }

    /** Adds or replaces the resource(s) of a JSON text. */
    public Builder json(String name, String text) {
      changes.add(new Manifests(name, text, true));
      return this;
    }

    /** Adds or replaces one resource given as a manifest document known to be {@code key}. */
    public Builder manifest(ResourceKey key, String name, String text) {
      changes.add(new Manifest(key, name, text));
      return this;
    }

    /** Removes a resource. */
    public Builder delete(ResourceKey key) {
      changes.add(new Delete(key));
      return this;
    }

    /** Adds or replaces a service and its endpoints. */
    public Builder service(ServiceEndpoints service) {
      changes.add(new Service(service));
      return this;
    }

    /** Removes a service. */
    public Builder removeService(String host, String namespace) {
      changes.add(new ServiceRemoval(host, namespace));
      return this;
    }

    /** Whether nothing was added yet (a full update with nothing in it still empties the source). */
    public boolean isEmpty() {
      return changes.isEmpty();
    }

    public SourceUpdate build() {
      return new SourceUpdate(full, changes);
    }
  }
}
