package dev.mesh4j.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An informer store that remembers only each object's key and resource version — all an informer
 * needs to tell an update from a repeat and to find deletions on a re-list. mesh4j keeps its own
 * compact view of what it reads ({@link ClusterView}), so a hundred thousand Pods cost a map of
 * short strings here instead of a hundred thousand Pod objects.
 *
 * <p>Objects it hands back carry only namespace, name and resource version. Thread-safe.
 */
final class VersionOnlyStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, String> versions = new ConcurrentHashMap<>();
  private final Supplier<T> factory;

  VersionOnlyStore(Supplier<T> factory) {
    this.factory = factory;
  }

  @Override
  public String getKey(T obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public @Nullable T put(String key, T obj) {
    String rv = obj.getMetadata().getResourceVersion();
    return restore(key, versions.put(key, rv == null ? "" : rv));
  }

  @Override
  public @Nullable T remove(String key) {
    return restore(key, versions.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return versions.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return versions.entrySet().stream().map(e -> restore(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return versions.size();
  }

  @Override
  public @Nullable T get(String key) {
    return restore(key, versions.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private @Nullable T restore(String key, @Nullable String version) {
    if (version == null) {
      return null;
    }
    int slash = key.indexOf('/');
    ObjectMeta meta = new ObjectMeta();
    if (slash >= 0) {
      meta.setNamespace(key.substring(0, slash));
      meta.setName(key.substring(slash + 1));
    } else {
      meta.setName(key);
    }
    meta.setResourceVersion(version);
    T obj = factory.get();
    obj.setMetadata(meta);
    return obj;
  }
}
