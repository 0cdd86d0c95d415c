package dev.mesh4j.kubernetes;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API as a mesh4j source: Istio's {@code VirtualService}, {@code DestinationRule},
 * {@code ServiceEntry}, {@code WorkloadEntry}, {@code Sidecar} and {@code Gateway} resources, and
 * the Services, EndpointSlices and Pods behind every service host — read and watched as istiod
 * reads them, so that {@code kubectl apply} changes a meshed application's routing live, as it
 * changes a sidecar's.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder().namespace("default").workloadLabel("app", "productpage")
 *     .source(KubernetesSource.of(new KubernetesClientBuilder().build()))
 *     .build();   // returns once the initial lists are in; fails clearly after the timeout
 * }</pre>
 *
 * <p>What it delivers:
 *
 * <ul>
 *   <li>Istio resources at whichever of {@code networking.istio.io} {@code v1}, {@code v1beta1}
 *       and {@code v1alpha3} the cluster serves, as their manifests; the mesh decodes and validates
 *       each on its own ({@link Validation#PER_RESOURCE}): an invalid one is skipped and reported,
 *       what it replaced keeps serving, everything else updates.
 *   <li>Each Service as {@code name.namespace.svc.<domain suffix>} with its ports (protocol from
 *       {@code appProtocol} or the port name's prefix), and as endpoints the ready addresses of its
 *       EndpointSlices, labelled with their Pods' labels and identified by their Pods' service
 *       accounts, each in its locality as istiod gives it: the Pod's {@code istio-locality}
 *       label, else its Node's region, zone and subzone labels. See {@code docs/kubernetes.md}.
 * </ul>
 *
 * <p>How: one informer (a list, then a watch) per kind and watched namespace, plus one for the
 * cluster's Nodes — ten watches for all namespaces, however many services the cluster has. Of a
 * Node only its locality is kept. When the client may not list Nodes (403), the source works on
 * without them — endpoints then have the zone their EndpointSlice gives, no region — and says so
 * once, in a warning and its status message. Changes are debounced like istiod's
 * pushes ({@link Builder#debounce}) and delivered as one update, compiled and swapped by the mesh
 * off the request path; an update in which only endpoints changed does not recompile routes. When
 * the API server is unreachable or a watch expires, the mesh keeps serving its last state, the
 * status turns {@link SourceStatus.State#STALE STALE}, and the informers reconnect and re-list;
 * what changed meanwhile is delivered then.
 *
 * <p>The client is the caller's: closing the source stops its informers but leaves the client
 * open. Thread-safe; started once.
 */
public final class KubernetesSource implements MeshSource {
  /** How long building a mesh waits for the initial lists by default. */
  public static final Duration DEFAULT_INITIAL_SYNC_TIMEOUT = Duration.ofSeconds(30);
  /** istiod's {@code PILOT_DEBOUNCE_AFTER}: changes quiet this long are delivered. */
  public static final Duration DEFAULT_DEBOUNCE_QUIET = Duration.ofMillis(100);
  /** istiod's {@code PILOT_DEBOUNCE_MAX}: changes are delivered at the latest this long after the first. */
  public static final Duration DEFAULT_DEBOUNCE_MAX = Duration.ofSeconds(10);
  /** Istio's default trust domain. */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  private static final Logger log = LoggerFactory.getLogger(KubernetesSource.class);
  private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(1);
  /** How often Istio's kinds the cluster did not serve are looked for again. */
  static final Duration KINDS_RECHECK = Duration.ofSeconds(30);
  private static final Duration RETRY_MIN = Duration.ofSeconds(1);
  private static final Duration RETRY_MAX = Duration.ofSeconds(30);
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** Nodes per page of the Node list. */
  private static final long NODE_PAGE = 500;

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Duration initialSyncTimeout;
  private final Duration debounceQuiet;
  private final Duration debounceMax;
  private final String trustDomain;
  private final @Nullable Executor executorOverride;

  private final Object lock = new Object();
  private @Nullable SourceContext context;
  private @Nullable ExecutorService ownExecutor;
  private @Nullable Executor executor;
  private @Nullable ClusterView view;
  private @Nullable Debouncer debouncer;
  private final List<Watched> watched = new ArrayList<>();
  /** The Istio kinds watched; the others are looked for again every {@link #kindsRecheck}. */
  private final Set<String> kindsWatched = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Duration kindsRecheck;
  private long nextKindsCheck;
  private volatile boolean synced;
  private volatile boolean closed;
  private boolean stale;
  private @Nullable String lastStartingMessage;
  /** Set once the API server refused to list Nodes (403): the source works on without them. */
  private volatile boolean nodesForbidden;
  private Duration retry = RETRY_MIN;
  private long startedNanos;

  private KubernetesSource(Builder b) {
    this.client = b.client;
    this.namespaces = List.copyOf(b.namespaces);
    this.initialSyncTimeout = b.initialSyncTimeout;
    this.debounceQuiet = b.debounceQuiet;
    this.debounceMax = b.debounceMax;
    this.trustDomain = b.trustDomain;
    this.executorOverride = b.executor;
    this.kindsRecheck = b.kindsRecheck;
  }

  /** A source reading every namespace {@code client} may read, with the default options. */
  public static KubernetesSource of(KubernetesClient client) {
    return builder(client).build();
  }

  /**
   * The locality of a Pod as istiod gives it ({@code getPodLocality}), {@code region/zone/subzone}:
   * the Pod's {@code topology.istio.io/locality} or {@code istio-locality} label, else the
   * region, zone and subzone labels of the Node it runs on, read through {@code client}
   * ({@code get} on {@code nodes}). Null when neither says, or when the Node cannot be read
   * (logged). For the workload's own locality when building a mesh yourself; the Spring Boot
   * starter does this for you:
   *
   * <pre>{@code
   * Pod self = client.pods().inNamespace(namespace).withName(System.getenv("POD_NAME")).get();
   * String locality = KubernetesSource.podLocality(client, self);
   * if (locality != null) {
   *   builder.locality(locality);
   * }
   * }</pre>
   */
  public static @Nullable String podLocality(KubernetesClient client, Pod pod) {
    requireNonNull(client, "client");
    requireNonNull(pod, "pod");
    Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null
        ? Map.of() : pod.getMetadata().getLabels();
    String override = KubernetesObjects.localityOverride(labels);
    if (override != null) {
      return override;
    }
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (nodeName == null || nodeName.isEmpty()) {
      return null; // not scheduled yet
    }
    try {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        log.warn("No Node {} to read the locality of Pod {} from", ClusterView.printable(nodeName),
            ClusterView.printable(String.valueOf(pod.getMetadata().getName())));
        return null;
      }
      return KubernetesObjects.nodeLocality(node);
    } catch (KubernetesClientException e) {
      log.warn("Cannot read Node {} for the locality of Pod {} ({}); it has none unless set explicitly",
          ClusterView.printable(nodeName), ClusterView.printable(String.valueOf(pod.getMetadata().getName())),
          e.getCode() == 403 ? "403: may not get nodes" : describe(e));
      return null;
    }
  }

  /** Starts a source reading through {@code client}. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /** {@code kubernetes}. */
  @Override
  public String name() {
    return "kubernetes";
  }

  /** Each Istio resource is validated on its own, as istiod does. */
  @Override
  public Validation validation() {
    return Validation.PER_RESOURCE;
  }

  @Override
  public Duration initialSyncTimeout() {
    return initialSyncTimeout;
  }

  /** The namespaces watched; empty for all. */
  public List<String> namespaces() {
    return namespaces;
  }

  /**
   * The watches this source holds open against the API server: one per kind read per watched
   * namespace, plus one for Nodes (ten for all namespaces when Istio's CRDs are installed and
   * Nodes may be read), whatever the number of services. Zero before the source is started.
   */
  public int watches() {
    synchronized (lock) {
      int n = 0;
      for (Watched w : watched) {
        if (!w.forbidden) {
          n++;
        }
      }
      return n;
    }
  }

  /**
   * Whether the API server refused this source the Nodes (403 Forbidden): endpoints then carry
   * the zone of their EndpointSlice but no region or subzone.
   */
  public boolean nodesForbidden() {
    return nodesForbidden;
  }

  /**
   * Starts the informers and returns; the initial state is delivered as one update once every
   * informer has listed, then {@link SourceContext#synced()} is called.
   */
  @Override
  public void start(SourceContext context) {
    requireNonNull(context, "context");
    synchronized (lock) {
      if (this.context != null) {
        throw new IllegalStateException("KubernetesSource already started");
      }
      if (closed) {
        throw new IllegalStateException("KubernetesSource closed");
      }
      this.context = context;
      Workload w = context.workload();
      this.view = new ClusterView(new ServiceMapper(w.domainSuffix(), trustDomain, w.clusterId()));
      if (executorOverride != null) {
        this.executor = executorOverride;
      } else {
        ExecutorService e = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "mesh4j-kubernetes");
          t.setDaemon(true);
          return t;
        });
        this.ownExecutor = e;
        this.executor = e;
      }
      this.debouncer = new Debouncer(context.scheduler(), context.ticker(), executor, debounceQuiet,
          debounceMax, this::flush);
    }
    startedNanos = context.ticker().nanos();
    context.status(SourceStatus.State.STARTING, "listing from " + client.getMasterUrl());
    execute(this::connect);
    context.scheduler().schedule(MONITOR_INTERVAL, this::monitor);
  }

  private void execute(Runnable task) {
    Executor e = executor;
    if (e == null || closed) {
      return;
    }
    try {
      e.execute(task);
    } catch (RejectedExecutionException ignored) {
      // closed meanwhile
    }
  }

  /** Finds the Istio kinds served, starts one informer per kind and namespace. */
  private void connect() {
    SourceContext ctx = requireNonNull(context);
    if (closed) {
      return;
    }
    List<ResourceDefinitionContext> kinds;
    try {
      kinds = IstioKinds.discover(client);
    } catch (RuntimeException e) {
      String message = "cannot reach the Kubernetes API at " + client.getMasterUrl() + ": " + describe(e)
          + " (retrying in " + retry.toSeconds() + " s)";
      log.warn("{}", message);
      ctx.status(SourceStatus.State.STARTING, message);
      Duration delay = retry;
      retry = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
      ctx.scheduler().schedule(delay, () -> execute(this::connect));
      return;
    }
    if (kinds.size() < IstioKinds.KINDS.size()) {
      Set<String> missing = new LinkedHashSet<>(IstioKinds.names());
      kinds.forEach(k -> missing.remove(k.getKind()));
      log.info("The cluster serves no {} of {} (Istio's CRDs not installed?): reading the rest",
          missing, IstioKinds.GROUP);
    }
    ClusterView v = requireNonNull(view);
    List<Watched> started = new ArrayList<>();
    for (String ns : scopes()) {
      for (ResourceDefinitionContext kind : kinds) {
        started.add(watch(kind.getKind() + " (" + kind.getGroup() + "/" + kind.getVersion() + ")", ns,
            inNamespace(client.genericKubernetesResources(kind), ns), GenericKubernetesResource::new,
            new IstioHandler(kind.getKind(), v)));
      }
      started.add(watch("Service", ns, inNamespace(client.services(), ns), Service::new, new ServiceHandler(v)));
      started.add(watch("EndpointSlice", ns, inNamespace(client.discovery().v1().endpointSlices(), ns),
          EndpointSlice::new, new SliceHandler(v)));
      started.add(watch("Pod", ns, inNamespace(client.pods(), ns), Pod::new, new PodHandler(v)));
    }
    // Nodes are cluster-wide: one watch whatever the namespaces. Listed in pages, as a Node is
    // large (its images, its status) and only its locality is kept.
    started.add(watch("Node", null, client.nodes().withLimit(NODE_PAGE), Node::new, new NodeHandler(v)));
    synchronized (lock) {
      if (closed) {
        started.forEach(w -> w.informer.stop());
        return;
      }
      watched.addAll(started);
      kinds.forEach(k -> kindsWatched.add(k.getKind()));
    }
    log.info("Watching {} in {} ({} watches)", IstioKinds.GROUP + " " + kinds.stream().map(ResourceDefinitionContext::getKind).toList()
        + ", Services, EndpointSlices, Pods, Nodes", namespaces.isEmpty() ? "all namespaces" : namespaces, started.size());
    CompletableFuture.allOf(started.stream().map(w -> w.listed).toArray(CompletableFuture[]::new))
        .whenComplete((ok, error) -> {
          if (error == null) {
            execute(this::initialSync);
          }
        });
  }

  /**
   * Istio's CRDs installed after the source started (Istio installed after the application, or
   * upgraded to serve a kind it did not): their kinds are watched from then on, and what they hold
   * is delivered as any change.
   */
  private void watchLateKinds() {
    ClusterView v = view;
    if (closed || v == null) {
      return;
    }
    List<ResourceDefinitionContext> kinds;
    try {
      kinds = IstioKinds.discover(client);
    } catch (RuntimeException e) {
      log.debug("Looking for Istio's kinds again failed: {}", describe(e));
      return;
    }
    List<Watched> started = new ArrayList<>();
    List<String> added = new ArrayList<>();
    for (ResourceDefinitionContext kind : kinds) {
      if (kindsWatched.contains(kind.getKind())) {
        continue;
      }
      added.add(kind.getKind());
      for (String ns : scopes()) {
        started.add(watch(kind.getKind() + " (" + kind.getGroup() + "/" + kind.getVersion() + ")", ns,
            inNamespace(client.genericKubernetesResources(kind), ns), GenericKubernetesResource::new,
            new IstioHandler(kind.getKind(), v)));
      }
    }
    if (started.isEmpty()) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        started.forEach(w -> w.informer.stop());
        return;
      }
      watched.addAll(started);
      kindsWatched.addAll(added);
    }
    log.info("The cluster now serves {} of {}: watching it ({} more watches)", added, IstioKinds.GROUP,
        started.size());
  }

  private List<@Nullable String> scopes() {
    List<@Nullable String> out = new ArrayList<>();
    if (namespaces.isEmpty()) {
      out.add(null);
    } else {
      out.addAll(namespaces);
    }
    return out;
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>> Informable<T> inNamespace(
      MixedOperation<T, L, ?> op, @Nullable String namespace) {
    return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
  }

  private <T extends HasMetadata> Watched watch(String what, @Nullable String namespace, Informable<T> informable,
      Supplier<T> factory, Handler<T> handler) {
    boolean nodes = handler instanceof NodeHandler;
    String name = nodes ? "Nodes" : what + " in " + (namespace == null ? "all namespaces" : "namespace " + namespace);
    SharedIndexInformer<T> informer = informable.runnableInformer(0);
    informer.removeNamespaceIndex();
    informer.itemStore(new VersionOnlyStore<>(factory));
    Watched w = new Watched(name, informer, handler.listed);
    informer.exceptionHandler((isStarted, t) -> {
      if (nodes && isForbidden(t)) {
        nodesForbidden(w, t);
        return false; // not retried: a Role does not change by itself
      }
      w.lastError = describe(t);
      log.debug("{}: {}", name, w.lastError, t);
      return !closed;
    });
    informer.addEventHandler(handler);
    // Completes once the first list is in and the watch is open.
    informer.start().thenRun(() -> w.established = true);
    return w;
  }

  private static boolean isForbidden(Throwable t) {
    return forbidden(t) != null;
  }

  /** The 403 answer among {@code t} and its causes, or null. */
  private static @Nullable KubernetesClientException forbidden(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 403) {
        return k;
      }
    }
    return null;
  }

  /**
   * The API server refused the Nodes: the source goes on without them (as istiod's
   * {@code getPodLocality} does for a node it cannot get, endpoints have no node locality), and
   * says so once.
   */
  private void nodesForbidden(Watched w, Throwable t) {
    w.forbidden = true;
    if (nodesForbidden) {
      return;
    }
    nodesForbidden = true;
    log.warn("Kubernetes source: {}", nodesForbiddenMessage(t));
    w.listed.complete(null); // the initial state does not wait for them
    execute(w.informer::stop);
    SourceContext ctx = context;
    if (synced && ctx != null) {
      ctx.status(SourceStatus.State.SYNCED, nodesForbiddenMessage(t));
    }
  }

  private static String nodesForbiddenMessage(@Nullable Throwable t) {
    KubernetesClientException k = t == null ? null : forbidden(t);
    String why = k == null ? null : k.getStatus() != null && k.getStatus().getMessage() != null
        ? k.getStatus().getMessage() : describe(k);
    return "may not list Nodes (403" + (why == null ? "" : ": " + ClusterView.printable(why)) + "): endpoints have the zone of"
        + " their EndpointSlice but no region or subzone; grant get, list and watch on nodes for"
        + " locality load balancing by region";
  }

  /** The exception and its causes, each once: fabric8 wraps the useful part ("Connection refused"). */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Set<Throwable> seen = new java.util.HashSet<>();
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      String m = c.getMessage();
      String part = m == null || m.isEmpty() ? c.getClass().getSimpleName() : m;
      if (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
        continue;
      }
      if (part.equals("An error has occurred.") || sb.indexOf(part) >= 0) { // fabric8's wrapper says nothing
        continue;
      }
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(part);
    }
    return sb.toString();
  }

  private void initialSync() {
    SourceContext ctx = requireNonNull(context);
    ClusterView v = requireNonNull(view);
    if (closed) {
      return;
    }
    long listed = ctx.ticker().nanos();
    SourceUpdate update = requireNonNull(v.drain(true));
    SourceUpdate.Result result = ctx.apply(update);
    long applied = ctx.ticker().nanos();
    synced = true;
    ctx.synced();
    if (nodesForbidden) {
      ctx.status(SourceStatus.State.SYNCED, nodesForbiddenMessage(null));
    }
    log.info("Initial state from Kubernetes: {} (listed in {} ms, applied in {} ms; configuration version {}{})",
        v.summary(), (listed - startedNanos) / 1_000_000, (applied - listed) / 1_000_000, result.version(),
        result.rejected().isEmpty() ? "" : ", " + result.rejected().size() + " resources rejected");
    // Changes seen while the initial state was being applied.
    requireNonNull(debouncer).changed();
  }

  private void flush() {
    SourceContext ctx = context;
    ClusterView v = view;
    if (ctx == null || v == null || closed) {
      return;
    }
    try {
      SourceUpdate update = v.drain(false);
      if (update != null) {
        SourceUpdate.Result result = ctx.apply(update);
        log.debug("Applied {} change(s) from Kubernetes: version {}, {} rejected", update.items().size(),
            result.version(), result.rejected().size());
      }
    } catch (RuntimeException e) {
      log.error("Applying changes from Kubernetes failed; the last state keeps serving", e);
    }
  }

  private void changed() {
    Debouncer d = debouncer;
    if (synced && d != null) {
      d.changed();
    }
  }

  /** Reports lost and regained watches as the source's state. */
  private void monitor() {
    SourceContext ctx = context;
    if (ctx == null || closed) {
      return;
    }
    try {
      String problem = null;
      synchronized (lock) {
        for (Watched w : watched) {
          if (w.forbidden) {
            continue; // reported once, when refused
          }
          if (w.informer.isWatching()) {
            w.lastError = null;
          } else if (w.established || w.lastError != null) {
            // Lost, or failing to start. An informer whose list is in but whose watch is still
            // being opened is neither: it reports onList before it starts watching.
            problem = w.name + ": " + (w.lastError == null ? "not watching" : w.lastError);
            break;
          }
        }
      }
      if (!synced) {
        if (problem != null && !problem.equals(lastStartingMessage)) {
          lastStartingMessage = problem;
          ctx.status(SourceStatus.State.STARTING, problem);
        }
      } else if (problem != null && !stale) {
        stale = true;
        String message = problem + "; reconnecting (the last state keeps serving)";
        log.warn("Kubernetes source: {}", message);
        ctx.status(SourceStatus.State.STALE, message);
      } else if (problem == null && stale) {
        stale = false;
        log.info("Kubernetes source: watching again");
        ctx.status(SourceStatus.State.SYNCED, "watching again");
      }
      long now = ctx.ticker().nanos();
      if (synced && kindsWatched.size() < IstioKinds.KINDS.size() && now - nextKindsCheck >= 0) {
        nextKindsCheck = now + kindsRecheck.toNanos();
        execute(this::watchLateKinds);
      }
    } finally {
      if (!closed) {
        ctx.scheduler().schedule(MONITOR_INTERVAL, this::monitor);
      }
    }
  }

  /** Stops the informers. Idempotent; the client stays open. */
  @Override
  public void close() {
    List<Watched> toStop;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(watched);
      watched.clear();
      if (debouncer != null) {
        debouncer.close();
      }
    }
    for (Watched w : toStop) {
      w.informer.stop();
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "KubernetesSource{" + client.getMasterUrl() + ", namespaces="
        + (namespaces.isEmpty() ? "all" : namespaces) + "}";
  }

  /** One informer and what the monitor needs to know of it. */
  private static final class Watched {
    final String name;
    final SharedIndexInformer<?> informer;
    /** Completes once its handler has seen the initial list. */
    final CompletableFuture<Void> listed;
    volatile @Nullable String lastError;
    /** Whether its first watch was opened: from then on, not watching means the watch was lost. */
    volatile boolean established;
    /** Whether the API server refused it (403); only Nodes are read on without. */
    volatile boolean forbidden;

    Watched(String name, SharedIndexInformer<?> informer, CompletableFuture<Void> listed) {
      this.name = name;
      this.informer = informer;
      this.listed = listed;
    }
  }

  /**
   * Turns an informer's events into changes of the view. The informer calls it on one thread at a
   * time, in order: {@link #onList} follows the events of the list it ends, so once every handler
   * has seen its first list the view holds the whole initial state.
   */
  private abstract class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
    final CompletableFuture<Void> listed = new CompletableFuture<>();

    @Override
    public final void onList(String resourceVersion, boolean remainedEmpty) {
      listed.complete(null);
    }

    @Override
    public final void onAdd(T obj) {
      put(obj);
      changed();
    }

    @Override
    public final void onUpdate(T oldObj, T newObj) {
      put(newObj);
      changed();
    }

    @Override
    public final void onDelete(T obj, boolean deletedFinalStateUnknown) {
      remove(KubernetesObjects.key(obj.getMetadata()));
      changed();
    }

    abstract void put(T obj);

    abstract void remove(ObjectKey key);
  }

  private final class IstioHandler extends Handler<GenericKubernetesResource> {
    private final String kind;
    private final ClusterView view;

    IstioHandler(String kind, ClusterView view) {
      this.kind = kind;
      this.view = view;
    }

    @Override
    void put(GenericKubernetesResource obj) {
      ObjectMeta meta = obj.getMetadata();
      // What the mesh reads: no server bookkeeping, no second copy of the object from kubectl.
      meta.setManagedFields(null);
      if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
        Map<String, String> annotations = new HashMap<>(meta.getAnnotations());
        annotations.remove(LAST_APPLIED);
        meta.setAnnotations(annotations);
      }
      view.resource(new ResourceKey(kind, KubernetesObjects.nullToEmpty(meta.getNamespace()), meta.getName()),
          client.getKubernetesSerialization().asJson(obj));
    }

    @Override
    void remove(ObjectKey key) {
      view.deleteResource(new ResourceKey(kind, key.namespace(), key.name()));
    }
  }

  private final class ServiceHandler extends Handler<Service> {
    private final ClusterView view;

    ServiceHandler(ClusterView view) {
      this.view = view;
    }

    @Override
    void put(Service obj) {
      view.service(KubernetesObjects.service(obj));
    }

    @Override
    void remove(ObjectKey key) {
      view.deleteService(key);
    }
  }

  private final class SliceHandler extends Handler<EndpointSlice> {
    private final ClusterView view;

    SliceHandler(ClusterView view) {
      this.view = view;
    }

    @Override
    void put(EndpointSlice obj) {
      view.slice(KubernetesObjects.key(obj.getMetadata()), KubernetesObjects.slice(obj));
    }

    @Override
    void remove(ObjectKey key) {
      view.deleteSlice(key);
    }
  }

  private final class PodHandler extends Handler<Pod> {
    private final ClusterView view;

    PodHandler(ClusterView view) {
      this.view = view;
    }

    @Override
    void put(Pod obj) {
      view.pod(KubernetesObjects.key(obj.getMetadata()), KubernetesObjects.pod(obj));
    }

    @Override
    void remove(ObjectKey key) {
      view.pod(key, null);
    }
  }

  /** Keeps each Node's locality, nothing else of it; a change rebuilds the endpoints on it. */
  private final class NodeHandler extends Handler<Node> {
    private final ClusterView view;

    NodeHandler(ClusterView view) {
      this.view = view;
    }

    @Override
    void put(Node obj) {
      view.node(KubernetesObjects.shared(obj.getMetadata().getName()), KubernetesObjects.nodeLocality(obj));
    }

    @Override
    void remove(ObjectKey key) {
      view.node(key.name(), null);
    }
  }

  /** Options of a {@link KubernetesSource}. Not thread-safe. */
  public static final class Builder {
    private final KubernetesClient client;
    private final List<String> namespaces = new ArrayList<>();
    private Duration initialSyncTimeout = DEFAULT_INITIAL_SYNC_TIMEOUT;
    private Duration debounceQuiet = DEFAULT_DEBOUNCE_QUIET;
    private Duration debounceMax = DEFAULT_DEBOUNCE_MAX;
    private String trustDomain = DEFAULT_TRUST_DOMAIN;
    private @Nullable Executor executor;
    private Duration kindsRecheck = KINDS_RECHECK;

    private Builder(KubernetesClient client) {
      this.client = requireNonNull(client, "client");
    }

    /**
     * Watches only these namespaces (default: all). Each namespace costs one watch per kind; the
     * client then needs rights in these namespaces only (a Role in each instead of a
     * ClusterRole). Istio resources, Services and Pods of other namespaces are not seen: include
     * Istio's root namespace (usually {@code istio-system}) for mesh-wide resources there.
     */
    public Builder namespaces(String... namespaces) {
      for (String n : namespaces) {
        requireNonNull(n, "namespace");
        if (n.isEmpty()) {
          throw new IllegalArgumentException("namespace: \"\" (expected: a namespace name)");
        }
        if (!this.namespaces.contains(n)) {
          this.namespaces.add(n);
        }
      }
      return this;
    }

    /**
     * How long building the mesh waits for the initial lists (default 30 s); past it, building
     * fails naming what was still missing.
     */
    public Builder initialSyncTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("initialSyncTimeout: " + timeout + " (expected: > 0)");
      }
      this.initialSyncTimeout = timeout;
      return this;
    }

    /**
     * How changes are batched (default 100 ms quiet, 10 s max, as istiod): an update goes out once
     * no change came for {@code quiet}, and at the latest {@code max} after the first change it
     * holds.
     */
    public Builder debounce(Duration quiet, Duration max) {
      requireNonNull(quiet, "quiet");
      requireNonNull(max, "max");
      if (quiet.isNegative()) {
        throw new IllegalArgumentException("debounce quiet: " + quiet + " (expected: >= 0)");
      }
      if (max.compareTo(quiet) < 0) {
        throw new IllegalArgumentException("debounce max: " + max + " (expected: >= quiet " + quiet + ")");
      }
      this.debounceQuiet = quiet;
      this.debounceMax = max;
      return this;
    }

    /**
     * The trust domain of endpoint identities (default {@code cluster.local}):
     * {@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}.
     */
    public Builder trustDomain(String trustDomain) {
      requireNonNull(trustDomain, "trustDomain");
      if (trustDomain.isEmpty()) {
        throw new IllegalArgumentException("trustDomain: \"\" (expected: a domain, e.g. cluster.local)");
      }
      this.trustDomain = trustDomain;
      return this;
    }

    /** How often Istio's kinds the cluster did not serve are looked for again (tests). */
    Builder kindsRecheck(Duration every) {
      this.kindsRecheck = requireNonNull(every, "every");
      return this;
    }

    /** Runs flushes on {@code executor} instead of a thread of the source's own (tests). */
    Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    public KubernetesSource build() {
      return new KubernetesSource(this);
    }
  }
}
