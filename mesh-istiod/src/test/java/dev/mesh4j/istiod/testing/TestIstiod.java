package dev.mesh4j.istiod.testing;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * istiod for tests: java-control-plane's {@link V3DiscoveryServer} on grpc's in-process transport,
 * serving what {@link #push} is given with istiod's pushing and answering rules — one push version
 * for all the types of a push (istiod's {@code PushVersion}), sent in istiod's push order (CDS,
 * EDS, LDS, RDS: {@code PushOrder} in pilot's xds package); a request is answered with
 * the resources it names that exist (all of them for an empty list) when its version is not the
 * current one or it names new resources; a NACK is not answered until the next push, as istiod
 * does (java-control-plane's own cache withholds an ADS answer while any named resource is
 * missing, which istiod never does). Records every request and the bytes of every response.
 * Test fixture, also used by the istiod demo and benchmarks.
 */
public final class TestIstiod implements AutoCloseable {
  /** The type URLs of LDS, RDS, CDS and EDS resources. */
  public static final String LDS = dev.mesh4j.istiod.internal.AdsClient.LDS;
  public static final String RDS = dev.mesh4j.istiod.internal.AdsClient.RDS;
  public static final String CDS = dev.mesh4j.istiod.internal.AdsClient.CDS;
  public static final String EDS = dev.mesh4j.istiod.internal.AdsClient.EDS;
  private final String name = InProcessServerBuilder.generateName();
  private final Cache cache = new Cache();
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong responseBytes = new AtomicLong();
  private final AtomicLong responses = new AtomicLong();
  private final V3DiscoveryServer discovery;
  private Server server;
  private Server tcp;
  private Server tls;
  private Server unix;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<io.grpc.ServerServiceDefinition> services = new ArrayList<>();

  private TestIstiod() {
    discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        requests.add(request);
        cache.requested(streamId, request);
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {}

      @Override
      public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
        responseBytes.addAndGet(response.getSerializedSize());
        responses.incrementAndGet();
      }
    }, cache);
  }

  public static TestIstiod start() {
    return start(List.of());
  }

  /** An istiod that serves {@code services} too on its in-process name (e.g. {@link TestCa#service()}). */
  public static TestIstiod start(List<io.grpc.ServerServiceDefinition> services) {
    TestIstiod t = new TestIstiod();
    t.services.addAll(services);
    t.up();
    return t;
  }

  /** Starts serving (again, after {@link #down}) under the same in-process name. */
  public void up() {
    try {
      InProcessServerBuilder b = InProcessServerBuilder.forName(name);
      b.addService(discovery.getAggregatedDiscoveryServiceImpl());
      services.forEach(b::addService);
      server = b.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serves the same resources over TCP on loopback too (for clients that cannot use in-process). */
  public int listenOnLoopback() {
    return listenOnLoopback(b -> b);
  }

  /**
   * Serves over TCP on loopback too, with the server settings {@code configure} adds (e.g. a
   * keepalive enforcement policy, as istiod's).
   */
  public int listenOnLoopback(
      java.util.function.UnaryOperator<io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder> configure) {
    try {
      tcp = configure.apply(io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)))
          .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tcp.getPort();
  }

  /**
   * Serves over TLS on loopback too, as istiod's port 15012: the certificate chain and PKCS#8 key
   * in PEM files; every call's {@code authorization} header is kept ({@link #authorizations()}).
   */
  public int listenWithTls(java.io.File certificateChain, java.io.File privateKey) {
    try {
      tls = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
              io.grpc.TlsServerCredentials.create(certificateChain, privateKey))
          .addService(io.grpc.ServerInterceptors.intercept(discovery.getAggregatedDiscoveryServiceImpl(),
              authorizationRecorder()))
          .build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tls.getPort();
  }

  /** Serves in plain text on a unix domain socket too, as Istio's agent does for proxyless gRPC. */
  public void listenOnUnixSocket(java.nio.file.Path socket) {
    var group = new io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup(1);
    try {
      unix = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress(socket.toString()))
          .channelType(io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(group).workerEventLoopGroup(group)
          .addService(discovery.getAggregatedDiscoveryServiceImpl()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code authorization} header of every call over TLS, in order. */
  public List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private io.grpc.ServerInterceptor authorizationRecorder() {
    return new io.grpc.ServerInterceptor() {
      @Override
      public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
          io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
        String auth = headers.get(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
        authorizations.add(auth == null ? "" : auth);
        return next.startCall(call, headers);
      }
    };
  }

  /** Stops at once, breaking every stream (as istiod restarting or the network failing). */
  public void down() {
    for (Server extra : new Server[] {tcp, tls, unix}) {
      if (extra != null) {
        extra.shutdownNow();
      }
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public ManagedChannel channel() {
    return InProcessChannelBuilder.forName(name).build();
  }

  /**
   * A full push of {@code r}, as istiod pushes on a configuration change: one new push version, and
   * every type the stream watches answered with it in istiod's push order (CDS, EDS, LDS, RDS).
   */
  public void push(GrpcGen.Resources r) {
    cache.push(Map.of(CDS, r.clusters(), EDS, r.endpoints(), LDS, r.listeners(), RDS, r.routes()), true);
  }

  /**
   * A push after a change of one type's resources, as istiod makes it. Listeners, routes or
   * clusters: a full push under a new version of CDS, LDS and RDS in push order (istiod skips EDS
   * when no endpoint changed, as for a VirtualService or DestinationRule edit). Endpoints: an
   * incremental push of EDS alone under the version in force (istiod's endpoint-only push keeps the
   * push context, and so its version).
   */
  public void push(String type, Map<String, ? extends Message> resources) {
    if (type.equals(EDS)) {
      cache.push(Map.of(EDS, resources), false);
    } else {
      Map<String, Map<String, ? extends Message>> push = new HashMap<>();
      for (String t : List.of(CDS, LDS, RDS)) {
        push.put(t, t.equals(type) ? resources : cache.state(t));
      }
      cache.push(push, true);
    }
  }

  public List<DiscoveryRequest> requests() {
    return List.copyOf(requests);
  }

  public List<DiscoveryRequest> nacks() {
    return requests.stream().filter(DiscoveryRequest::hasErrorDetail).toList();
  }

  public long responseBytes() {
    return responseBytes.get();
  }

  public long responses() {
    return responses.get();
  }

  public String version(String type) {
    return cache.version(type);
  }

  @Override
  public void close() {
    down();
  }

  /** istiod's rules for answering a state-of-the-world request. */
  private static final List<String> PUSH_ORDER = List.of(CDS, EDS, LDS, RDS);

  private static final class Cache implements ConfigWatcher {
    private final Map<String, Map<String, Message>> state = new HashMap<>();
    /** The version each type was last sent with: istiod's push version then. */
    private final Map<String, Long> versions = new HashMap<>();
    private long pushVersion;
    private final List<Watch> open = new ArrayList<>();
    // The names each stream asked for last, per type, and whether the request being handled on
    // this thread changed them (java-control-plane calls back, then creates the watch, on one thread).
    private final Map<String, Set<String>> lastNames = new HashMap<>();
    private final ThreadLocal<Boolean> namesChanged = ThreadLocal.withInitial(() -> false);

    synchronized void requested(long streamId, DiscoveryRequest request) {
      Set<String> names = new java.util.HashSet<>(request.getResourceNamesList());
      Set<String> before = lastNames.put(streamId + " " + request.getTypeUrl(), names);
      namesChanged.set(before != null && !before.equals(names));
    }

    synchronized String version(String type) {
      return Long.toString(versions.getOrDefault(type, 0L));
    }

    synchronized Map<String, Message> state(String type) {
      return new LinkedHashMap<>(state.getOrDefault(type, Map.of()));
    }

    /**
     * Serves {@code byType} (a full push: under a new push version; else under the one in force)
     * and answers the open watches of those types in istiod's push order.
     */
    void push(Map<String, ? extends Map<String, ? extends Message>> byType, boolean full) {
      List<Watch> due = new ArrayList<>();
      synchronized (this) {
        if (full) {
          pushVersion++;
        }
        for (String type : PUSH_ORDER) {
          if (!byType.containsKey(type)) {
            continue;
          }
          state.put(type, new LinkedHashMap<>(byType.get(type)));
          versions.put(type, pushVersion);
          for (Watch w : new ArrayList<>(open)) {
            if (w.request().getTypeUrl().equals(type)) {
              open.remove(w);
              due.add(w);
            }
          }
        }
      }
      due.forEach(this::respond);
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> known, Consumer<Response> consumer,
        boolean hasClusterChanged, boolean allowDefaultEmptyEdsUpdate) {
      Watch w = new Watch(ads, false, request, consumer);
      boolean now;
      synchronized (this) {
        String type = request.getTypeUrl();
        boolean nack = request.hasErrorDetail();
        // istiod answers at once when the request names a resource it has that it did not send, and
        // when the names differ from the stream's previous request of the type (its shouldRespond).
        Map<String, Message> have = state.getOrDefault(type, Map.of());
        boolean newNames = namesChanged.get()
            || request.getResourceNamesList().stream().anyMatch(n -> have.containsKey(n) && !known.contains(n));
        namesChanged.set(false);
        now = versions.containsKey(type) && (!nack && !request.getVersionInfo().equals(version(type)) || newNames);
        if (!now) {
          open.add(w);
          w.setStop(() -> {
            synchronized (Cache.this) {
              open.remove(w);
            }
          });
        }
      }
      if (now) {
        respond(w);
      }
      return w;
    }

    private void respond(Watch w) {
      Response r;
      synchronized (this) {
        String type = w.request().getTypeUrl();
        // Every response carries the push version in force, an answer to a request too (istiod's
        // VersionInfo is req.Push.PushVersion), also for a type the last pushes skipped.
        if (versions.containsKey(type)) {
          versions.put(type, pushVersion);
        }
        Map<String, Message> all = state.getOrDefault(type, Map.of());
        List<Message> out = new ArrayList<>();
        if (w.request().getResourceNamesList().isEmpty()) {
          out.addAll(all.values());
        } else {
          for (String n : w.request().getResourceNamesList()) {
            if (all.containsKey(n)) {
              out.add(all.get(n));
            }
          }
        }
        r = Response.create(w.request(), out, version(type));
      }
      try {
        w.respond(r);
      } catch (WatchCancelledException e) {
        // The stream went away.
      }
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion,
        Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
        Consumer<io.envoyproxy.controlplane.cache.DeltaResponse> responseConsumer, boolean hasClusterChanged) {
      throw new UnsupportedOperationException("delta xDS is not served");
    }
  }
}
