package dev.mesh4j.kubernetes;

import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the informers have seen, kept compact, and what changed since the last update was drained:
 * Istio resources by key, services, their EndpointSlices, the Pods those point at, and each
 * Node's locality (nothing else of a Node).
 *
 * <p>Events record changes; {@link #drain} turns them into one {@link SourceUpdate}. A service is
 * rebuilt only when its Service, one of its slices, one of its Pods or the locality of a node one of
 * its endpoints runs on changed, and delivered only
 * when the result differs from what was delivered last, so a re-list that finds nothing new, or a
 * Pod status change, delivers nothing.
 *
 * <p>Thread-safe: informers call from their own threads; every method holds one lock, briefly.
 */
final class ClusterView {
  private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

  private final ServiceMapper mapper;
  private final Object lock = new Object();

  /** Resource key to its manifest (JSON), or to null for a deletion, since the last drain. */
  private final Map<ResourceKey, @Nullable String> pendingResources = new LinkedHashMap<>();
  /** Every resource known, for a full update. */
  private final Map<ResourceKey, String> resources = new HashMap<>();

  private final Map<ObjectKey, ServiceInfo> services = new HashMap<>();
  /** Service key to its slices by name (sorted, so endpoints come in a stable order). */
  private final Map<ObjectKey, Map<String, SliceInfo>> slicesByService = new HashMap<>();
  /** Slice key to the service it belonged to when last seen. */
  private final Map<ObjectKey, ObjectKey> sliceOwner = new HashMap<>();
  private final Map<ObjectKey, PodInfo> pods = new HashMap<>();
  /**
   * Pod key to the slices that point at it (a Pod change rebuilds their services): the one slice's
   * key, as a Pod nearly always has one, or a set of them. A set per Pod would cost more than the
   * rest of what is kept of it.
   */
  private final Map<ObjectKey, Object> slicesByPod = new HashMap<>();
  /**
   * Node name to its locality ({@link KubernetesObjects#nodeLocality(java.util.Map)}); nodes
   * without topology labels are not kept. Values are interned: a zone's nodes share one string.
   */
  private final Map<String, String> nodeLocality = new HashMap<>();
  /** Nodes whose locality changed since the last drain. */
  private final Set<String> dirtyNodes = new HashSet<>();
  private final Set<ObjectKey> dirtyServices = new HashSet<>();
  private final Map<ObjectKey, ServiceEndpoints> delivered = new HashMap<>();

  ClusterView(ServiceMapper mapper) {
    this.mapper = mapper;
  }

  void resource(ResourceKey key, String manifest) {
    synchronized (lock) {
      resources.put(key, manifest);
      pendingResources.put(key, manifest);
    }
  }

  void deleteResource(ResourceKey key) {
    synchronized (lock) {
      if (resources.remove(key) != null) {
        pendingResources.put(key, null);
      }
    }
  }

  void service(ServiceInfo service) {
    synchronized (lock) {
      ObjectKey key = new ObjectKey(service.namespace(), service.name());
      services.put(key, service);
      dirtyServices.add(key);
    }
  }

  void deleteService(ObjectKey key) {
    synchronized (lock) {
      services.remove(key);
      dirtyServices.add(key);
    }
  }

  void slice(ObjectKey sliceKey, @Nullable SliceInfo slice) {
    synchronized (lock) {
      removeSlice(sliceKey);
      if (slice == null) {
        return;
      }
      ObjectKey service = new ObjectKey(sliceKey.namespace(), slice.serviceName());
      slicesByService.computeIfAbsent(service, k -> new TreeMap<>()).put(sliceKey.name(), slice);
      sliceOwner.put(sliceKey, service);
      for (SliceInfo.Address a : slice.endpoints()) {
        if (a.pod() != null) {
          slicesByPod.merge(new ObjectKey(sliceKey.namespace(), a.pod()), sliceKey, ClusterView::withSlice);
        }
      }
      dirtyServices.add(service);
    }
  }

  void deleteSlice(ObjectKey sliceKey) {
    synchronized (lock) {
      removeSlice(sliceKey);
    }
  }

  private void removeSlice(ObjectKey sliceKey) {
    ObjectKey service = sliceOwner.remove(sliceKey);
    if (service == null) {
      return;
    }
    Map<String, SliceInfo> slices = slicesByService.get(service);
    SliceInfo old = slices == null ? null : slices.remove(sliceKey.name());
    if (slices != null && slices.isEmpty()) {
      slicesByService.remove(service);
    }
    if (old != null) {
      for (SliceInfo.Address a : old.endpoints()) {
        if (a.pod() != null) {
          slicesByPod.computeIfPresent(new ObjectKey(sliceKey.namespace(), a.pod()),
              (pod, of) -> withoutSlice(of, sliceKey));
        }
      }
    }
    dirtyServices.add(service);
  }

  void pod(ObjectKey key, @Nullable PodInfo pod) {
    synchronized (lock) {
      PodInfo old = pod == null ? pods.remove(key) : pods.put(key, pod);
      if (java.util.Objects.equals(old, pod)) {
        return; // a status change: nothing mesh4j reads
      }
      for (ObjectKey slice : slicesOf(slicesByPod.get(key))) {
        ObjectKey service = sliceOwner.get(slice);
        if (service != null) {
          dirtyServices.add(service);
        }
      }
    }
  }

  /**
   * A node's locality: null when it has none (or is gone). A change rebuilds the services with
   * endpoints on the node, found at the next drain — one pass over the slices per update, not
   * per node event, so that a re-list of ten thousand nodes costs one pass.
   */
  void node(String name, @Nullable String locality) {
    synchronized (lock) {
      String old = locality == null ? nodeLocality.remove(name) : nodeLocality.put(name, locality);
      if (!java.util.Objects.equals(old, locality)) {
        dirtyNodes.add(name);
      }
    }
  }

  /** The locality of a node, or null. */
  @Nullable String nodeLocality(String name) {
    synchronized (lock) {
      return nodeLocality.get(name);
    }
  }

  /** Marks the services with an endpoint on a node in {@link #dirtyNodes}. */
  private void markNodeServices() {
    for (Map.Entry<ObjectKey, Map<String, SliceInfo>> e : slicesByService.entrySet()) {
      if (dirtyServices.contains(e.getKey())) {
        continue;
      }
      search:
      for (SliceInfo slice : e.getValue().values()) {
        for (SliceInfo.Address a : slice.endpoints()) {
          if (a.nodeName() != null && dirtyNodes.contains(a.nodeName())) {
            dirtyServices.add(e.getKey());
            break search;
          }
        }
      }
    }
  }

  /** A Pod's slices (see {@link #slicesByPod}) with {@code slice} added. */
  @SuppressWarnings("unchecked")
  private static Object withSlice(Object slices, Object slice) {
    if (slices instanceof ObjectKey one) {
      if (one.equals(slice)) {
        return one;
      }
      Set<ObjectKey> set = new HashSet<>(4);
      set.add(one);
      set.add((ObjectKey) slice);
      return set;
    }
    ((Set<ObjectKey>) slices).add((ObjectKey) slice);
    return slices;
  }

  /** A Pod's slices without {@code slice}; null when none are left. */
  @SuppressWarnings("unchecked")
  private static @Nullable Object withoutSlice(Object slices, ObjectKey slice) {
    if (slices instanceof ObjectKey one) {
      return one.equals(slice) ? null : one;
    }
    Set<ObjectKey> set = (Set<ObjectKey>) slices;
    set.remove(slice);
    if (set.size() == 1) {
      return set.iterator().next();
    }
    return set.isEmpty() ? null : set;
  }

  @SuppressWarnings("unchecked")
  private static Set<ObjectKey> slicesOf(@Nullable Object slices) {
    if (slices == null) {
      return Set.of();
    }
    return slices instanceof ObjectKey one ? Set.of(one) : (Set<ObjectKey>) slices;
  }

  /**
   * The changes since the last drain, or null when there are none; with {@code full}, everything
   * known, as an update that replaces all the source delivered before.
   */
  @Nullable SourceUpdate drain(boolean full) {
    synchronized (lock) {
      SourceUpdate.Builder b = full ? SourceUpdate.replaceAll() : SourceUpdate.changes();
      if (full) {
        resources.forEach((key, manifest) -> b.manifest(key, key.toString(), manifest));
        delivered.clear();
        dirtyServices.addAll(services.keySet());
      } else {
        if (!dirtyNodes.isEmpty()) {
          markNodeServices();
        }
        pendingResources.forEach((key, manifest) -> {
          if (manifest == null) {
            b.delete(key);
          } else {
            b.manifest(key, key.toString(), manifest);
          }
        });
      }
      pendingResources.clear();
      dirtyNodes.clear();
      for (ObjectKey key : dirtyServices) {
        ServiceInfo info = services.get(key);
        if (info == null) {
          if (delivered.remove(key) != null) {
            b.removeService(mapper.host(key.namespace(), key.name()), key.namespace());
          }
          continue;
        }
        Map<String, SliceInfo> slices = slicesByService.getOrDefault(key, Map.of());
        ServiceEndpoints service;
        try {
          service = mapper.map(info, slices.values(), pods::get, nodeLocality::get);
        } catch (RuntimeException e) {
          // One object mesh4j cannot read must not hold up (or lose) every other change.
          log.warn("Service {}/{} cannot be read from what the API server sent ({}); its last state keeps serving",
              printable(key.namespace()), printable(key.name()), printable(String.valueOf(e.getMessage())));
          continue;
        }
        if (!service.equals(delivered.get(key))) {
          delivered.put(key, service);
          b.service(service);
        }
      }
      dirtyServices.clear();
      return full || !b.isEmpty() ? b.build() : null;
    }
  }

  /** Text from the API server as a log shows it: control characters escaped, at most 200 characters. */
  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return s.length() > 200 ? sb + "… (" + s.length() + " characters)" : sb.toString();
  }

  /** Counts for logs and status: resources, services, endpoints delivered. */
  String summary() {
    synchronized (lock) {
      int endpoints = 0;
      for (ServiceEndpoints s : delivered.values()) {
        for (var list : s.endpoints().values()) {
          endpoints += list.size();
        }
      }
      return resources.size() + " Istio resources, " + delivered.size() + " services, " + endpoints + " endpoints, "
          + nodeLocality.size() + " nodes with a locality";
    }
  }
}
