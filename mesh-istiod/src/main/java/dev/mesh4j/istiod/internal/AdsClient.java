package dev.mesh4j.istiod.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ADS stream to istiod, state of the world: subscribes LDS (all listeners), then RDS for the
 * route configurations the listeners name, CDS for the clusters the routes name and EDS for
 * those clusters' endpoints; reads each response into the {@link MeshView}, hands the mesh what
 * changed, and ACKs the response's version — or NACKs it, naming each resource that could not be
 * applied and why, while the rest of the response applies and each rejected resource keeps its
 * last good version. A broken stream is re-opened with jittered exponential back-off on the
 * mesh's scheduler; what was applied keeps serving meanwhile, and the new stream asks for
 * everything again.
 *
 * <p><b>A push applies once it is consistent.</b> A server pushes a change as responses of one or
 * more types — istiod in its push order CDS, EDS, LDS, RDS under one version, other servers any
 * subset in any order, each type under a version of its own — and the resources a response newly
 * names (a route configuration, a subset's cluster and endpoints) come after, on request. No
 * response says which others belong with it, so the client does not guess from versions or
 * orders: it reads each response into the view as it comes, ACKs it (or NACKs what cannot be
 * read), as Envoy ACKs a cluster it is still warming, and hands the mesh the view as soon as the
 * view is consistent — every resource newly subscribed to has arrived, on a new stream every type
 * asked for has been answered, and no host's routes in force lost a cluster or its endpoints to a
 * response whose routes have not moved off it yet (a CDS response dropping the subset the push's
 * RDS response will leave). Then the view is assembled once — routes, the clusters and endpoints
 * they need, and what they no longer need dropped — and given to the mesh as one update; an Istio
 * resource the mesh rejects then is NACKed on the type it came from. So a push whose responses
 * depend on each other is one update, a cluster-only, endpoint-only or listener-only push applies
 * the moment it arrives, and a response that changes nothing changes nothing. A view that does not
 * become consistent within {@link #PUSH_WINDOW} is applied as it stands (the hosts' warming still
 * keeps routes whose clusters are missing from serving).
 *
 * <p>Thread-safe: gRPC callbacks, timers and the companion source all go through one lock, so
 * responses are read, applied and acknowledged one at a time, in order.
 */
public final class AdsClient {
  static final Logger log = LoggerFactory.getLogger("dev.mesh4j.istiod");

  public static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  public static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  public static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  public static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final String RESOURCE_WRAPPER = "type.googleapis.com/envoy.service.discovery.v3.Resource";
  /**
   * The largest response the source's own channel to istiod reads: 64 MiB, not gRPC's default
   * 4 MiB, which the listeners of a mesh of a few thousand services exceed (a stream that cannot
   * read a response fails on every reconnect and never syncs). Bounded, so one response cannot
   * take more memory than that.
   */
  public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
  /** How much of a NACK's detail is sent (istiod logs it; a huge one helps nobody). */
  private static final int MAX_DETAIL = 16 * 1024;

  /** Back-off of gRPC's xDS client: 1 s, ×1.6 per failure, ±20 % jitter, at most 2 minutes. */
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(2);
  static final double MULTIPLIER = 1.6;
  static final double JITTER = 0.2;
  /**
   * How long a push is held for the resources it newly names or takes from routes in force: istiod
   * sends them within milliseconds; this bounds a resource that never comes.
   */
  public static final Duration PUSH_WINDOW = Duration.ofSeconds(1);

  private final Object lock = new Object();
  private final Channel channel;
  private final Node node;
  private final SourceContext context;
  private final MeshView view;
  private final DoubleSupplier random;
  private final String name;

  // Per type: what we subscribed to, the version we accepted and the nonce of the last response.
  private final Map<String, Set<String>> subscribed = new HashMap<>();
  private final Map<String, String> acked = new HashMap<>();
  private final Map<String, String> nonces = new HashMap<>();
  private final Set<String> requestedOnStream = new LinkedHashSet<>();

  // What the mesh was given, to hand it only what changed.
  private final Map<ResourceKey, IstioResource> delivered = new LinkedHashMap<>();
  private final Map<String, ServiceEndpoints> deliveredServices = new LinkedHashMap<>();

  private @Nullable ClientCallStreamObserver<DiscoveryRequest> stream;
  private long streamId;
  private boolean receivedOnStream;
  private boolean listenersReceived;
  private boolean synced;
  private boolean closed;
  private Duration backoff = INITIAL_BACKOFF;
  private Scheduler.@Nullable Cancellable reconnect;
  private Scheduler.@Nullable Cancellable warmTimer;
  private long warmTimerDeadline = Long.MAX_VALUE;

  // The push being assembled: responses read into the view (and ACKed), not yet given to the mesh.
  private final Map<String, Held> held = new LinkedHashMap<>();
  private final Set<String> heldTouched = new LinkedHashSet<>();
  /** Per type, the names newly subscribed to whose resources have not arrived. */
  private final Map<String, Set<String>> awaited = new HashMap<>();
  /** The types asked for on this stream that have not been answered yet. */
  private final Set<String> unanswered = new HashSet<>();
  private long holdingSince = -1;
  private Scheduler.@Nullable Cancellable holdTimer;

  /** A type with responses held in the push: the version ACKed before them (null: none). */
  private record Held(@Nullable String previous) {}

  public AdsClient(String name, Channel channel, Node node, SourceContext context, MeshView view,
      DoubleSupplier random) {
    this.name = name;
    this.channel = channel;
    this.node = node;
    this.context = context;
    this.view = view;
    this.random = random;
  }

  /** Opens the stream. */
  public void start() {
    synchronized (lock) {
      open();
    }
  }

  /** Closes the stream and cancels the timers. Idempotent. */
  public void close() {
    synchronized (lock) {
      closed = true;
      if (reconnect != null) {
        reconnect.cancel();
      }
      if (warmTimer != null) {
        warmTimer.cancel();
      }
      if (holdTimer != null) {
        holdTimer.cancel();
      }
      if (stream != null) {
        stream.cancel("mesh closed", null);
        stream = null;
      }
    }
  }

  /** The companion source's DestinationRules changed: apply them to istiod's clusters. */
  public void supplementsChanged(Map<String, DestinationRule> byHost) {
    synchronized (lock) {
      view.supplements.clear();
      view.supplements.putAll(byHost);
      if (listenersReceived && holdingSince < 0) {
        publish();
      }
    }
  }

  // --- the stream --------------------------------------------------------------------------------

  private void open() {
    if (closed) {
      return;
    }
    long id = ++streamId;
    receivedOnStream = false;
    requestedOnStream.clear();
    nonces.clear();
    // What the old stream's responses put in the view stays staged; they need no ACK any more.
    held.clear();
    unanswered.clear();
    ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> observer = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> requests) {
        synchronized (lock) {
          stream = requests;
        }
      }

      @Override
      public void onNext(DiscoveryResponse response) {
        synchronized (lock) {
          if (id == streamId && !closed) {
            onResponse(response);
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        synchronized (lock) {
          if (id == streamId) {
            broken(Status.fromThrowable(t));
          }
        }
      }

      @Override
      public void onCompleted() {
        synchronized (lock) {
          if (id == streamId) {
            broken(Status.UNAVAILABLE.withDescription("istiod closed the stream"));
          }
        }
      }
    };
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer);
    // A new stream asks for everything again: the server owes it a full state (istiod sends it anyway).
    send(LDS, null);
    unanswered.add(LDS);
    for (String type : List.of(RDS, CDS, EDS)) {
      if (!subscribed.getOrDefault(type, Set.of()).isEmpty()) {
        send(type, null);
        unanswered.add(type);
      }
    }
  }

  private void broken(Status status) {
    stream = null;
    if (closed) {
      return;
    }
    if (receivedOnStream) {
      backoff = INITIAL_BACKOFF;
    }
    long nanos = backoff.toNanos();
    long jittered = (long) (nanos * (1 - JITTER + 2 * JITTER * random.getAsDouble()));
    Duration delay = Duration.ofNanos(jittered);
    backoff = Duration.ofNanos(Math.min(MAX_BACKOFF.toNanos(), (long) (nanos * MULTIPLIER)));
    String why = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    log.warn("{}: ADS stream broken ({}); the configuration in force keeps serving; reconnecting in {} ms", name,
        why, delay.toMillis());
    context.status(SourceStatus.State.STALE, "ADS stream to istiod broken (" + why + "); reconnecting in "
        + delay.toMillis() + " ms; the last configuration keeps serving");
    reconnect = context.scheduler().schedule(delay, () -> {
      synchronized (lock) {
        reconnect = null;
        open();
      }
    });
  }

  /** Sends a request for {@code type}: an ACK (detail null) or a NACK, with the current subscription. */
  private void send(String type, @Nullable String nackDetail) {
    if (stream == null) {
      return;
    }
    DiscoveryRequest.Builder r = DiscoveryRequest.newBuilder()
        .setTypeUrl(type)
        .setVersionInfo(requestedOnStream.contains(type) ? acked.getOrDefault(type, "") : "")
        .setResponseNonce(nonces.getOrDefault(type, ""))
        .addAllResourceNames(type.equals(LDS) ? List.of() : subscribed.getOrDefault(type, Set.of()));
    if (requestedOnStream.isEmpty()) {
      r.setNode(node);
    }
    if (nackDetail != null) {
      r.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
          .setMessage(nackDetail));
    }
    requestedOnStream.add(type);
    if (log.isDebugEnabled()) {
      log.debug("{}: request {} version {} nonce {} {}{}", name, shortType(type), r.getVersionInfo(),
          r.getResponseNonce(), r.getResourceNamesList(), nackDetail == null ? "" : " NACK");
    }
    try {
      stream.onNext(r.build());
    } catch (RuntimeException e) {
      log.debug("{}: request on a closing stream dropped", name, e);
    }
  }

  // --- responses -----------------------------------------------------------------------------------

  private void onResponse(DiscoveryResponse response) {
    receivedOnStream = true;
    backoff = INITIAL_BACKOFF;
    String type = response.getTypeUrl();
    if (!requestedOnStream.contains(type)) {
      // As Envoy: a type never asked for is ignored. Any request for it, a NACK too, would ask for
      // it (an empty name list is every resource of the type), and its nonce is not kept.
      log.warn("{}: ignoring a response of type {}, which mesh4j did not ask for", name, type);
      return;
    }
    nonces.put(type, response.getNonce());
    if (log.isDebugEnabled()) {
      log.debug("{}: response {} version {} nonce {} with {} resources", name, shortType(type),
          response.getVersionInfo(), response.getNonce(), response.getResourcesCount());
    }
    List<String> errors = new ArrayList<>();
    Set<String> touched = read(type, response, errors);
    unanswered.remove(type);
    String version = response.getVersionInfo();
    held.putIfAbsent(type, new Held(acked.get(type)));
    heldTouched.addAll(touched);
    // ACK (or NACK) at once, as Envoy acknowledges a cluster it is still warming: every request
    // carries the names wanted now, so a subscription istiod skipped as stale is asked for again.
    if (errors.isEmpty()) {
      acked.put(type, version);
      send(type, null);
    } else {
      nack(type, version, errors);
    }
    resubscribe();
    settle();
  }

  private void nack(String type, String version, List<String> errors) {
    String detail = String.join("\n", errors);
    if (detail.length() > MAX_DETAIL) {
      detail = detail.substring(0, MAX_DETAIL) + "… (" + errors.size() + " problems)";
    }
    log.warn("{}: NACK of {} version {}:\n{}", name, shortType(type), version, detail);
    send(type, detail);
  }

  /** Publishes the view when it is consistent; else holds it, for at most {@link #PUSH_WINDOW}. */
  private void settle() {
    boolean waiting = !unanswered.isEmpty();
    for (Set<String> names : awaited.values()) {
      waiting |= !names.isEmpty();
    }
    waiting = waiting || view.takesAwayWhatRoutesInForceNeed();
    if (!waiting) {
      publish();
      return;
    }
    if (holdingSince < 0) {
      holdingSince = context.ticker().nanos();
      holdTimer = context.scheduler().schedule(PUSH_WINDOW, () -> {
        synchronized (lock) {
          holdTimer = null;
          if (!closed && holdingSince >= 0) {
            holdExpired();
          }
        }
      });
    }
  }

  private void holdExpired() {
    if (log.isDebugEnabled()) {
      log.debug("{}: applying the push as it stands after {} ms; still missing: {} {}{}", name,
          PUSH_WINDOW.toMillis(), awaited, unanswered,
          view.takesAwayWhatRoutesInForceNeed() ? ", clusters routes in force name" : "");
    }
    awaited.clear();
    unanswered.clear();
    publish();
  }

  /**
   * Gives the mesh the view as one update; NACKs the types an Istio resource the mesh rejected came
   * from.
   */
  private void publish() {
    if (holdTimer != null) {
      holdTimer.cancel();
      holdTimer = null;
    }
    long now = context.ticker().nanos();
    long since = holdingSince >= 0 ? holdingSince : now;
    holdingSince = -1;
    // Which routes are in force decides which clusters are still needed: settle it, drop the rest,
    // then hand the mesh the result at once (not the routes now and the clean-up after).
    view.assemble(now, since);
    view.retainSubscribed();
    Map<String, List<String>> blamed = deliver(heldTouched, since);
    // An Istio resource the mesh rejected is NACKed on the type it came from, naming the version
    // in force before the push as the one still in force.
    for (Map.Entry<String, List<String>> e : blamed.entrySet()) {
      String type = typeOf(e.getKey());
      Held h = held.get(type);
      String previous = h != null ? h.previous() : acked.get(type);
      if (previous == null) {
        acked.remove(type);
      } else {
        acked.put(type, previous);
      }
      nack(type, previous == null ? "" : previous, e.getValue());
    }
    held.clear();
    heldTouched.clear();
    resubscribe();
  }

  private static String typeOf(String shortType) {
    return switch (shortType) {
      case "LDS" -> LDS;
      case "RDS" -> RDS;
      case "CDS" -> CDS;
      default -> EDS;
    };
  }

  /** Reads a response into the view; returns the xDS identities it changed. */
  private Set<String> read(String type, DiscoveryResponse response, List<String> errors) {
    Set<String> touched = new LinkedHashSet<>();
    Set<String> wanted = subscribed.getOrDefault(type, Set.of());
    Set<String> seen = new TreeSet<>();
    for (Any any : response.getResourcesList()) {
      Message m = unpack(type, any, errors);
      if (m == null) {
        continue;
      }
      String resourceName = nameOf(m);
      if (!type.equals(LDS) && !wanted.contains(resourceName)) {
        continue; // not asked for (a server that reads an empty list as "all")
      }
      if (!seen.add(resourceName)) {
        // As Envoy, which refuses a response naming a resource twice; here the first one applies.
        errors.add(kindOf(type) + " " + resourceName + ": a second resource of this name in the response (the "
            + "first applies)");
        continue;
      }
      Set<String> waitFor = awaited.get(type);
      if (waitFor != null) {
        waitFor.remove(resourceName);
      }
      String id = shortType(type) + " " + resourceName;
      Problems p = new Problems(kindOf(type) + " " + resourceName);
      touched.add(id);
      try {
        readResource(m, resourceName, p);
      } catch (RuntimeException e) {
        // A mapper's unforeseen failure on a hostile or broken resource: NACK it like any other
        // problem. Thrown out of the gRPC callback, it would cancel the stream, and every
        // reconnect would read the same resource again.
        log.debug("{}: reading {} failed", name, id, e);
        p.add(kindOf(type) + " " + resourceName + ": cannot be read: "
            + (e instanceof IllegalArgumentException ? e.getMessage() : e.toString()));
      }
      errors.addAll(p.errors());
    }
    // State of the world: a listener or cluster missing from the response is gone.
    if (type.equals(LDS)) {
      for (String gone : new ArrayList<>(view.listeners.keySet())) {
        if (!seen.contains(gone)) {
          view.listeners.remove(gone);
          touched.add("LDS " + gone);
        }
      }
      listenersReceived = true;
    } else if (type.equals(CDS)) {
      for (String gone : new ArrayList<>(view.clusters.keySet())) {
        if (!seen.contains(gone)) {
          view.clusters.remove(gone);
          touched.add("CDS " + gone);
        }
      }
    }
    return touched;
  }

  /** Reads one resource into the view; what cannot be applied goes to {@code p}. */
  private void readResource(Message m, String resourceName, Problems p) {
    if (m instanceof Listener l) {
      ListenerMapper.ListenerModel model = ListenerMapper.map(l, p);
      if (model != null) {
        view.listeners.put(resourceName, model);
      }
    } else if (m instanceof RouteConfiguration rc) {
      RouteMapper.RouteTable table = RouteMapper.map(rc, p, "");
      if (p.isEmpty()) {
        view.routes.put(resourceName, table);
      }
    } else if (m instanceof Cluster c) {
      ClusterMapper.ClusterModel model = ClusterMapper.map(c, p, "");
      if (model != null) {
        view.clusters.put(resourceName, model);
      }
    } else if (m instanceof ClusterLoadAssignment cla) {
      List<Endpoint> eps = EndpointMapper.map(cla, p, "");
      if (p.isEmpty()) {
        view.endpoints.put(resourceName, eps);
      }
    }
  }

  private static @Nullable Message unpack(String type, Any any, List<String> errors) {
    try {
      if (any.getTypeUrl().equals(RESOURCE_WRAPPER)) {
        any = any.unpack(Resource.class).getResource();
      }
      if (!any.getTypeUrl().equals(type)) {
        errors.add("a resource of type " + any.getTypeUrl() + " in a " + type + " response");
        return null;
      }
      return switch (type) {
        case LDS -> any.unpack(Listener.class);
        case RDS -> any.unpack(RouteConfiguration.class);
        case CDS -> any.unpack(Cluster.class);
        default -> any.unpack(ClusterLoadAssignment.class);
      };
    } catch (InvalidProtocolBufferException e) {
      errors.add("an unreadable " + type + ": " + e.getMessage());
      return null;
    }
  }

  private static String nameOf(Message m) {
    if (m instanceof Listener l) {
      return l.getName();
    } else if (m instanceof RouteConfiguration rc) {
      return rc.getName();
    } else if (m instanceof Cluster c) {
      return c.getName();
    }
    return ((ClusterLoadAssignment) m).getClusterName();
  }

  private static String kindOf(String type) {
    return switch (type) {
      case LDS -> "Listener";
      case RDS -> "RouteConfiguration";
      case CDS -> "Cluster";
      default -> "ClusterLoadAssignment";
    };
  }

  static String shortType(String type) {
    return switch (type) {
      case LDS -> "LDS";
      case RDS -> "RDS";
      case CDS -> "CDS";
      case EDS -> "EDS";
      default -> type;
    };
  }

  /**
   * Sends a request for every type whose subscription changed; the names added are awaited before
   * the push applies.
   */
  private void resubscribe() {
    view.retainSubscribed();
    Map<String, Set<String>> wanted = Map.of(RDS, view.routeNames(), CDS, view.clusterNames(),
        EDS, view.endpointNames());
    for (String type : List.of(RDS, CDS, EDS)) {
      Set<String> names = wanted.get(type);
      Set<String> before = subscribed.getOrDefault(type, Set.of());
      if (!names.equals(before)) {
        boolean first = !requestedOnStream.contains(type);
        Set<String> waitFor = awaited.computeIfAbsent(type, t -> new TreeSet<>());
        waitFor.retainAll(names);
        for (String n : names) {
          if (!before.contains(n) && !has(type, n)) {
            waitFor.add(n);
          }
        }
        subscribed.put(type, names);
        if (!(first && names.isEmpty())) {
          send(type, null);
        }
      }
    }
  }

  private boolean has(String type, String resourceName) {
    return switch (type) {
      case RDS -> view.routes.containsKey(resourceName);
      case CDS -> view.clusters.containsKey(resourceName);
      default -> view.endpoints.containsKey(resourceName);
    };
  }

  // --- handing the mesh what changed ---------------------------------------------------------------

  /**
   * Assembles the view, hands the mesh what changed in one update and returns, by xDS type, the
   * problems to NACK: for each Istio resource the mesh rejected, the resources of {@code touched}
   * (the responses held) it was built from.
   */
  private Map<String, List<String>> deliver(Set<String> touched, long pendingSince) {
    MeshView.Assembly a = view.assemble(context.ticker().nanos(), pendingSince);
    Map<String, List<String>> errors = new HashMap<>();
    SourceUpdate.Builder update = SourceUpdate.changes();
    for (Map.Entry<ResourceKey, IstioResource> e : a.resources().entrySet()) {
      if (!e.getValue().equals(delivered.get(e.getKey()))) {
        update.resource(e.getValue());
      }
    }
    for (ResourceKey key : delivered.keySet()) {
      if (!a.resources().containsKey(key)) {
        update.delete(key);
      }
    }
    for (Map.Entry<String, ServiceEndpoints> e : a.services().entrySet()) {
      if (!e.getValue().equals(deliveredServices.get(e.getKey()))) {
        update.service(e.getValue());
      }
    }
    for (Map.Entry<String, ServiceEndpoints> e : deliveredServices.entrySet()) {
      if (!a.services().containsKey(e.getKey())) {
        update.removeService(e.getValue().host(), e.getValue().namespace());
      }
    }
    if (!update.isEmpty()) {
      SourceUpdate.Result result = context.apply(update.build());
      for (Map.Entry<ResourceKey, IstioResource> e : a.resources().entrySet()) {
        if (!result.rejected().contains(e.getKey())) {
          delivered.put(e.getKey(), e.getValue());
        }
      }
      delivered.keySet().removeIf(k -> !a.resources().containsKey(k));
      deliveredServices.clear();
      deliveredServices.putAll(a.services());
      for (ResourceKey key : result.rejected()) {
        List<String> blamed = new ArrayList<>(a.origins().getOrDefault(key, Set.of()));
        blamed.retainAll(touched);
        String problems = result.errors().stream().map(Object::toString).reduce((x, y) -> x + "; " + y).orElse("");
        if (blamed.isEmpty()) {
          log.warn("{}: the mesh rejected {}: {}", name, key, problems);
        }
        for (String id : blamed) {
          errors.computeIfAbsent(id.substring(0, id.indexOf(' ')), t -> new ArrayList<>())
              .add(id + ": the mesh rejected " + key + " built from it: " + problems);
        }
      }
    }
    scheduleWarmTimer(a.nextDeadlineNanos());
    // Every host's routes are in force with the clusters they name (or waited the warming timeout).
    if (listenersReceived && a.allWarm()) {
      markSynced();
    }
    return errors;
  }

  private void markSynced() {
    context.synced();
    if (!synced) {
      synced = true;
      log.info("{}: synced with istiod ({} listeners, {} clusters)", name, view.listeners.size(),
          view.clusters.size());
    }
  }

  private void scheduleWarmTimer(long deadline) {
    if (deadline == Long.MAX_VALUE || deadline >= warmTimerDeadline && warmTimer != null) {
      return;
    }
    if (warmTimer != null) {
      warmTimer.cancel();
    }
    warmTimerDeadline = deadline;
    long delay = Math.max(0, deadline - context.ticker().nanos());
    warmTimer = context.scheduler().schedule(Duration.ofNanos(delay), () -> {
      synchronized (lock) {
        warmTimer = null;
        warmTimerDeadline = Long.MAX_VALUE;
        if (!closed && holdingSince < 0) {
          publish(); // a push being held publishes the hosts due with it
        }
      }
    });
  }
}
