package dev.mesh4j.benchmarks.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.crud.Key;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * fabric8's CRUD API server ({@link KubernetesCrudDispatcher}) with its store indexed by object
 * name, so that finding the one object a request names is a lookup instead of a scan of everything
 * stored. fabric8 keeps objects in one map keyed by attribute sets and answers "which object is
 * {@code /api/v1/namespaces/ns-3/pods/svc-3-0}?" by matching the query against every key: a create,
 * an update (and the GET that the client's {@code update()} sends first) costs time proportional to
 * the whole store, so filling it with 230,000 objects, or updating 1,000 EndpointSlices a second in
 * it, is out of reach.
 *
 * <p>What changes is only where a named object is looked up: {@link #findResource} (a create's
 * conflict check, an update's and a patch's current object) and a GET of one object by name look at
 * the keys stored under that name and check each with the same {@link AttributeSet#matches} the
 * scan uses, in the same order (the order the map holds them in), so they find what the scan would
 * find. Everything else is fabric8's own code, unchanged: what is stored and how (the same keys and
 * JSON, written by fabric8's handlers), resource versions, conflicts, lists, watches and their
 * events, deletes, custom resource definitions. The index is kept in {@link #processEvent}, through
 * which fabric8 makes every change to the store, from the same attributes fabric8 computes there.
 *
 * <p>Thread safety: every request that writes runs under this class's write lock (and, inside it,
 * fabric8's own); GETs by name run under its read lock, so a GET never sees an update half done.
 * The store must not be written except through requests ({@link #getMap()} is fabric8's, for
 * reading).
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  /** fabric8's wildcard value: it matches any name (Kubernetes allows no object of that name). */
  private static final String ANY = "*";
  private static final Key PLURAL = new Key(KubernetesAttributesExtractor.PLURAL);

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final KubernetesAttributesExtractor extractor;
  /** Object name to the keys stored under it, in the order the store holds them. Guarded by {@link #lock}. */
  private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

  /** Whether a watch from a resource version opens with every stored object it matches (fabric8's way). */
  private final boolean replayOnWatch;

  /** fabric8's server, indexed; watches open as fabric8's do. */
  IndexedCrudDispatcher() {
    this(true);
  }

  /**
   * @param replayOnWatch whether a watch opened from a resource version first receives every stored
   *     object it matches as ADDED, as fabric8's server does; without, it receives only what changes
   *     from then on, as from a real API server (which sends what changed after that version: this
   *     server keeps no history, so a change made between a list and the watch that follows it is
   *     not sent — the harness changes nothing then). A watch without a resource version is
   *     fabric8's either way.
   */
  IndexedCrudDispatcher(boolean replayOnWatch) {
    super(List.of());
    this.extractor = (KubernetesAttributesExtractor) getAttributeExtractor();
    this.replayOnWatch = replayOnWatch;
  }

  /**
   * fabric8's watch; without {@link #replayOnWatch}, a watch from a resource version skips the
   * opening replay: fabric8's listener runs its opening action (send every matching object) once
   * the WebSocket is open, and that action is replaced by one that does nothing.
   */
  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    if (!replayOnWatch && fromResourceVersion(path)) {
      Object listener = response.getWebSocketListener();
      try {
        java.lang.reflect.Field onOpen = listener.getClass().getDeclaredField("onOpenAction");
        onOpen.setAccessible(true);
        onOpen.set(listener, (java.util.function.Consumer<Object>) opened -> {});
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("fabric8's watch listener changed: cannot skip its replay", e);
      }
    }
    return response;
  }

  /** Whether a watch's query names a resource version to start from. */
  private static boolean fromResourceVersion(String path) {
    try {
      String query = new URI(path).getQuery();
      if (query == null) {
        return false;
      }
      for (String p : query.split("&")) {
        if (p.startsWith("resourceVersion=") && p.length() > "resourceVersion=".length()) {
          return true;
        }
      }
      return false;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    return locked(lock.writeLock(), () -> super.handleCreate(request));
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return locked(lock.writeLock(), () -> super.handleUpdate(request));
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return locked(lock.writeLock(), () -> super.handlePatch(request));
  }

  @Override
  public MockResponse handleDelete(String path) {
    return locked(lock.writeLock(), () -> super.handleDelete(path));
  }

  /** fabric8's generic CRUD writes bypass {@link #processEvent}; the Kubernetes dispatcher never uses them. */
  @Override
  public MockResponse handleCreate(String path, String body) {
    throw new UnsupportedOperationException("write through requests, not CrudDispatcher.handleCreate");
  }

  @Override
  public MockResponse handleUpdate(String path, String body) {
    throw new UnsupportedOperationException("write through requests, not CrudDispatcher.handleUpdate");
  }

  @Override
  public MockResponse handlePatch(String path, String body) {
    throw new UnsupportedOperationException("write through requests, not CrudDispatcher.handlePatch");
  }

  /**
   * A GET of one object by name is answered from the index, as fabric8 answers it: the first object
   * matching the path (and its selectors), or 404. Lists, watches and discovery are fabric8's.
   */
  @Override
  public MockResponse handleGet(String path) {
    if (isWatch(path)) {
      return super.handleGet(path);
    }
    AttributeSet query = getKey(path);
    String name = name(query);
    if (name == null) {
      return super.handleGet(path);
    }
    return locked(lock.readLock(), () -> {
      if (byName.containsKey(ANY)) {
        return super.handleGet(path);
      }
      Map.Entry<AttributeSet, String> found = find(name, query);
      MockResponse response = new MockResponse();
      if (found == null) {
        return response.setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
      }
      return response.setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
    });
  }

  /** Called by fabric8's handlers with its write lock held (and this class's). */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
    String name = name(attributes);
    return name == null || byName.containsKey(ANY) ? super.findResource(attributes) : find(name, attributes);
  }

  /**
   * fabric8 stores, replaces or removes an object here (its write lock held, and this class's); the
   * index follows, with the key computed as fabric8 computes it, before the store changes (a CRD
   * stored here changes what later keys hold).
   */
  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    AttributeSet newAttributes = null;
    if (newState != null) {
      newAttributes = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
      if (!newAttributes.containsKey(PLURAL)) {
        newAttributes = AttributeSet.merge(pathAttributes, newAttributes);
      }
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (oldAttributes != null) {
      String oldName = keyName(oldAttributes);
      Set<AttributeSet> keys = oldName == null ? null : byName.get(oldName);
      if (keys != null && keys.remove(oldAttributes) && keys.isEmpty()) {
        byName.remove(oldName);
      }
    }
    if (newAttributes != null) {
      String newName = keyName(newAttributes);
      if (newName != null) {
        Set<AttributeSet> keys = byName.computeIfAbsent(newName, n -> new LinkedHashSet<>());
        keys.remove(newAttributes); // to the end, where the store puts it
        keys.add(newAttributes);
      }
    }
  }

  @Override
  public void reset() {
    locked(lock.writeLock(), () -> {
      super.reset();
      byName.clear();
      return null;
    });
  }

  private Map.Entry<AttributeSet, String> find(String name, AttributeSet query) {
    Set<AttributeSet> keys = byName.get(name);
    if (keys == null) {
      return null;
    }
    for (AttributeSet key : keys) {
      if (key.matches(query)) {
        String value = map.get(key);
        if (value == null) {
          throw new IllegalStateException("index out of step with the store: " + key);
        }
        return new AbstractMap.SimpleImmutableEntry<>(key, value);
      }
    }
    return null;
  }

  /**
   * The one name a query requires; null if none, or not simply one (the scan answers those: a query
   * that excludes a name, or fabric8's wildcard).
   */
  private static String name(AttributeSet query) {
    String name = keyName(query);
    return ANY.equals(name) ? null : name;
  }

  /** The name a stored key holds, or null. */
  private static String keyName(AttributeSet attributes) {
    Attribute a = attributes.getAttribute(KubernetesAttributesExtractor.NAME);
    if (a == null || a.getType() != AttributeType.WITH || a.getValues().size() != 1) {
      return null;
    }
    return a.getValues().get(0).toString();
  }

  /** As fabric8 tells a watch from a GET: {@code watch=true} in the query. */
  private static boolean isWatch(String path) {
    try {
      String query = new URI(path).getQuery();
      return query != null && query.contains("watch=true");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static <T> T locked(Lock lock, Supplier<T> task) {
    lock.lock();
    try {
      return task.get();
    } finally {
      lock.unlock();
    }
  }
}
