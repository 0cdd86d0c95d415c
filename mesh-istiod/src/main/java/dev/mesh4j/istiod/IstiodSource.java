package dev.mesh4j.istiod;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.spi.IdentitySource;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.istiod.internal.AdsClient;
import dev.mesh4j.istiod.internal.Bootstrap;
import dev.mesh4j.istiod.internal.Companion;
import dev.mesh4j.istiod.internal.IstiodIdentity;
import dev.mesh4j.istiod.internal.KeepAlive;
import dev.mesh4j.istiod.internal.MeshView;
import dev.mesh4j.istiod.internal.Nodes;
import dev.mesh4j.istiod.internal.TokenCredentials;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * istiod as mesh4j's control plane: an xDS client that reads what istiod pushes to proxyless gRPC
 * clients — listeners, routes, clusters and endpoints over one ADS stream — and hands it to the
 * mesh as Istio resources and services. No sidecar and no agent: the workload talks to istiod.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder()
 *     .namespace("default").workloadLabel("app", "productpage")
 *     .source(IstiodSource.builder("istiod.istio-system.svc:15012").build())  // TLS, token auth
 *     .build();                                   // waits for the first complete configuration
 * }</pre>
 *
 * <p>Where istiod is comes from an xDS bootstrap file as Istio's agent writes it
 * ({@link #fromEnvironment()}, {@link #bootstrap(Path)}), or from an address:
 * {@code istiod.istio-system.svc:15012} (TLS, verified against the mesh's root certificate, with
 * the pod's projected service-account token), {@code istiod.istio-system.svc:15010} (plain
 * text), {@code unix:///path} (plain text, e.g. the agent's socket), or a gRPC {@link Channel}
 * of your own.
 *
 * <p>The source validates {@link Validation#PER_RESOURCE per resource}: a route configuration,
 * cluster or endpoint set mesh4j cannot apply is NACKed with the field and the reason, keeps its
 * last good version, and everything else applies. When the stream breaks, the configuration in
 * force keeps serving while the source reconnects (back-off on the mesh's scheduler), and the
 * source reports {@code STALE}. docs/istiod.md lists every Envoy field read and what it becomes.
 *
 * <p><b>Certificates.</b> {@link #identity()} gives the mesh its workload identity from istiod's
 * CA over the same connection settings, so that a workload needs no agent at all:
 *
 * <pre>{@code
 * IstiodSource istiod = IstiodSource.builder("istiod.istio-system.svc:15012").build();
 * Mesh mesh = Mesh.builder().source(istiod).identity(istiod.identity()).build();
 * }</pre>
 *
 * <p>Thread-safe; one instance serves one mesh.
 */
public final class IstiodSource implements MeshSource {
  /** Where Istio mounts the mesh's root certificate in a pod. */
  public static final Path DEFAULT_ROOT_CERT = Path.of("/var/run/secrets/istio/root-cert.pem");
  /** Where Istio's injection projects the service-account token istiod accepts (audience istio-ca). */
  public static final Path DEFAULT_TOKEN = Path.of("/var/run/secrets/tokens/istio-token");
  /** How long a host's new routes wait for their clusters, as Envoy's initial fetch timeout. */
  public static final Duration DEFAULT_WARMING_TIMEOUT = Duration.ofSeconds(15);
  /** How long building a mesh waits for the first complete configuration. */
  public static final Duration DEFAULT_INITIAL_SYNC_TIMEOUT = Duration.ofSeconds(30);
  /**
   * How long the connection to istiod may be silent before the source pings it: 30 s, as Istio's
   * agent pings istiod. istiod permits a ping every 15 s (half its own {@code keepaliveInterval},
   * 30 s by default).
   */
  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofSeconds(30);
  /** How long the source waits for istiod's answer to a ping before it gives the connection up: 10 s, as Istio's agent. */
  public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
  /** The shortest ping interval grpc-java sends. */
  private static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);

  private final String name;
  private final @Nullable Channel channel;
  private final @Nullable String target;
  private final @Nullable ChannelCredentials credentials;
  private final @Nullable Node bootstrapNode;
  private final @Nullable String nodeId;
  private final Map<String, String> nodeMetadata;
  private final Duration warmingTimeout;
  private final Duration initialSyncTimeout;
  private final @Nullable MeshSource destinationRules;
  private final DoubleSupplier random;
  private final boolean tls;
  private final @Nullable Path rootCertificate;
  private final @Nullable Path tokenFile;
  private final KeepAlive keepAlive;

  private @Nullable ManagedChannel owned;
  private @Nullable AdsClient client;
  private @Nullable Companion companion;

  private IstiodSource(Builder b) {
    this.channel = b.channel;
    this.target = b.target;
    this.credentials = b.channel != null ? null : b.credentials();
    this.bootstrapNode = b.bootstrapNode;
    this.nodeId = b.nodeId;
    this.nodeMetadata = Map.copyOf(b.nodeMetadata);
    this.warmingTimeout = b.warmingTimeout;
    this.initialSyncTimeout = b.initialSyncTimeout;
    this.destinationRules = b.destinationRules;
    this.random = b.random;
    this.tls = b.tls;
    this.rootCertificate = b.rootCertificate();
    this.tokenFile = b.tokenFile();
    this.keepAlive = new KeepAlive(b.keepAliveTime, b.keepAliveTimeout);
    this.name = "istiod:" + (b.target != null ? b.target : "channel");
  }

  /**
   * A source configured by the xDS bootstrap file that {@code GRPC_XDS_BOOTSTRAP} names (or the
   * JSON in {@code GRPC_XDS_BOOTSTRAP_CONFIG}), as Istio's agent sets it for proxyless gRPC.
   *
   * @throws IllegalStateException when neither variable is set
   * @throws IllegalArgumentException when the bootstrap cannot be read, naming it and the field
   */
  public static Builder fromEnvironment() {
    String file = System.getenv("GRPC_XDS_BOOTSTRAP");
    if (file != null && !file.isEmpty()) {
      return bootstrap(Path.of(file));
    }
    String json = System.getenv("GRPC_XDS_BOOTSTRAP_CONFIG");
    if (json != null && !json.isEmpty()) {
      return bootstrap(Bootstrap.parse("GRPC_XDS_BOOTSTRAP_CONFIG", json));
    }
    throw new IllegalStateException("neither GRPC_XDS_BOOTSTRAP nor GRPC_XDS_BOOTSTRAP_CONFIG is set: "
        + "use IstiodSource.builder(\"istiod.istio-system.svc:15012\") or a bootstrap file");
  }

  /**
   * A source configured by an xDS bootstrap file: its first server ({@code server_uri},
   * {@code channel_creds} {@code insecure} or {@code tls}) and its {@code node}.
   *
   * @throws IllegalArgumentException when the file cannot be read, naming it and the field
   */
  public static Builder bootstrap(Path file) {
    return bootstrap(Bootstrap.read(requireNonNull(file, "file")));
  }

  private static Builder bootstrap(Bootstrap b) {
    Builder builder = new Builder(b.serverUri(), null);
    builder.tls = b.credentials().equals("tls");
    builder.caCertificate = b.caCertificateFile();
    builder.bootstrapNode = b.node();
    return builder;
  }

  /**
   * A source that connects to {@code address}: {@code host:port} — TLS unless the port is 15010,
   * istiod's plain-text port — or {@code unix:///path} (plain text).
   */
  public static Builder builder(String address) {
    requireNonNull(address, "address");
    if (address.isEmpty()) {
      throw new IllegalArgumentException("address: \"\" (expected: host:port or unix:///path)");
    }
    Builder b = new Builder(address, null);
    b.tls = !address.startsWith("unix:") && !address.endsWith(":15010");
    return b;
  }

  /**
   * A source that speaks over a channel of your own (your credentials, an in-process server). The
   * source does not shut it down.
   */
  public static Builder builder(Channel channel) {
    return new Builder(null, requireNonNull(channel, "channel"));
  }

  /**
   * The workload identity from istiod's CA, for {@code Mesh.builder().identity(...)}: as Istio's
   * agent does for a sidecar, a new ECDSA P-256 key and a CSR for the workload's SPIFFE ID
   * ({@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>} of the mesh's workload)
   * to {@code IstioCertificateService/CreateCertificate}, with the service-account token of
   * {@link Builder#token} (default {@link #DEFAULT_TOKEN}) and the workload's cluster id.
   *
   * <p>The chain istiod answers is used only when its first certificate holds the key, names the
   * workload and chains to the mesh's root certificate ({@link Builder#caCertificate}, default
   * {@link #DEFAULT_ROOT_CERT}). A new certificate is requested when half the current one's
   * lifetime (24 hours) is left; new connections present it, connections open keep theirs. A
   * request that fails, or an answer that does not verify, is reported to the mesh with the reason
   * and retried (1 s, doubling to 1 min): the identity in force keeps serving while it is valid;
   * without one, requests that need mutual TLS fail closed with 503 {@code UF} and
   * {@code mesh.explain(...)} gives the reason — never plain text.
   *
   * <p>With an address, the identity source opens a connection of its own to istiod (TLS: istiod
   * serves its CA on port 15012 only); with a {@linkplain #builder(Channel) channel of your own}
   * it uses that channel and sends the token of {@link Builder#token} with each request — only when
   * the channel has TLS (or is in-process): over plain text the requests fail, naming why. Its own
   * connection pings istiod as the xDS stream's does ({@link Builder#keepAlive}) while a request is
   * open, so that a retry after a request lost to a silent peer goes over a new connection. Each
   * call returns a new source, for one mesh.
   *
   * @throws IllegalStateException when the source connects in plain text to an address (istiod's
   *     CA needs TLS, port 15012)
   */
  public IdentitySource identity() {
    if (channel == null && !tls) {
      throw new IllegalStateException(name + ": istiod's CA is served over TLS only (port 15012), and this source "
          + "connects in plain text");
    }
    return new IstiodIdentity("istiod-ca:" + (target != null ? target : "channel"), channel, target, credentials,
        channel != null && tokenFile != null ? new TokenCredentials(tokenFile) : null, rootCertificate, keepAlive, random);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Validation validation() {
    return Validation.PER_RESOURCE;
  }

  @Override
  public Duration initialSyncTimeout() {
    return initialSyncTimeout;
  }

  @Override
  public synchronized void start(SourceContext context) {
    requireNonNull(context, "context");
    if (client != null) {
      throw new IllegalStateException(name + " is already started: one source serves one mesh");
    }
    Channel ch = channel;
    if (ch == null) {
      owned = keepAlive.open(requireNonNull(target), requireNonNull(credentials));
      ch = owned;
    }
    Node node = bootstrapNode != null ? Nodes.fromBootstrap(bootstrapNode)
        : Nodes.of(context.workload(), nodeId, nodeMetadata);
    MeshView view = new MeshView(context.workload().domainSuffix(), context.workload().namespace(),
        warmingTimeout.toNanos());
    AdsClient ads = new AdsClient(name, ch, node, context, view, random);
    client = ads;
    if (destinationRules != null) {
      view.useCompanion();
      companion = new Companion(destinationRules, context, view, ads::supplementsChanged);
      companion.start();
    }
    ads.start();
  }

  @Override
  public synchronized void close() {
    if (companion != null) {
      companion.close();
    }
    if (client != null) {
      client.close();
    }
    if (owned != null) {
      owned.shutdownNow();
      try {
        owned.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      owned = null;
    }
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds an {@link IstiodSource}. Not thread-safe. */
  public static final class Builder {
    private final @Nullable String target;
    private final @Nullable Channel channel;
    private boolean tls;
    private @Nullable Path caCertificate;
    private @Nullable Path token;
    private boolean tokenSet;
    private @Nullable Node bootstrapNode;
    private @Nullable String nodeId;
    private final Map<String, String> nodeMetadata = new LinkedHashMap<>();
    private Duration warmingTimeout = DEFAULT_WARMING_TIMEOUT;
    private Duration initialSyncTimeout = DEFAULT_INITIAL_SYNC_TIMEOUT;
    private @Nullable MeshSource destinationRules;
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private Duration keepAliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder(@Nullable String target, @Nullable Channel channel) {
      this.target = target;
      this.channel = channel;
    }

    /** Connects without TLS (istiod's port 15010, or a local agent's socket). */
    public Builder plaintext() {
      this.tls = false;
      return this;
    }

    /**
     * Connects with TLS, trusting the CA in {@code pem} (the mesh's root certificate); unset, the
     * source trusts {@link #DEFAULT_ROOT_CERT} when it exists, else the system's trust store.
     * The certificates of {@link IstiodSource#identity()} are verified against the same root (over
     * a channel of your own too).
     */
    public Builder caCertificate(Path pem) {
      this.caCertificate = requireNonNull(pem, "pem");
      this.tls = true;
      return this;
    }

    /**
     * Sends the token in {@code file} as {@code authorization: Bearer}, read again for every
     * stream and certificate request (projected tokens rotate); unset, {@link #DEFAULT_TOKEN} when
     * it exists. Over an address with TLS only; over a channel of your own, with the certificate
     * requests of {@link IstiodSource#identity()} only, and only when that channel has TLS (or is
     * in-process): the token is never sent in plain text.
     */
    public Builder token(Path file) {
      this.token = requireNonNull(file, "file");
      this.tokenSet = true;
      return this;
    }

    /**
     * The node id sent to istiod; default {@code sidecar~<ip>~<pod>.<ns>~<ns>.svc.<domain>} from
     * the mesh's workload, as Istio's agent writes it.
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** Adds a node metadata field (e.g. {@code ISTIO_VERSION}); the workload's fields are sent anyway. */
    public Builder nodeMetadata(String key, String value) {
      nodeMetadata.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /**
     * How long new routes of a host wait for the clusters and endpoints they name before they
     * apply anyway (default 15 s, Envoy's initial fetch timeout); meanwhile the host's routes in
     * force keep serving, so no request fails for a cluster not yet received.
     */
    public Builder warmingTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("warmingTimeout: " + timeout + " (expected: >= 0)");
      }
      this.warmingTimeout = timeout;
      return this;
    }

    /** How long building the mesh waits for the first complete configuration (default 30 s). */
    public Builder initialSyncTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("initialSyncTimeout: " + timeout + " (expected: >= 0)");
      }
      this.initialSyncTimeout = timeout;
      return this;
    }

    /**
     * HTTP/2 keepalive of the connection to istiod: after {@code time} without a frame from
     * istiod the source sends a PING, and when its answer does not come within {@code timeout}
     * it gives the connection up, reports {@code STALE} and reconnects, the configuration in force
     * serving meanwhile. A NAT or load balancer that drops an idle connection without a word would
     * otherwise leave the source waiting for pushes that never come. Pings go only while a call is
     * open (the xDS stream always is). Default 30 s and 10 s, as Istio's agent; istiod permits a
     * ping every 15 s (half its {@code keepaliveInterval}): a ping more often than the server
     * permits is answered with {@code GOAWAY too_many_pings}, which breaks the stream (grpc-java
     * then doubles the interval). Over an address only: a
     * {@linkplain IstiodSource#builder(Channel) channel of your own} pings as you built it.
     *
     * @param time at least 10 s (grpc-java pings no more often)
     * @param timeout more than 0
     */
    public Builder keepAlive(Duration time, Duration timeout) {
      requireNonNull(time, "time");
      requireNonNull(timeout, "timeout");
      if (time.compareTo(MIN_KEEPALIVE_TIME) < 0) {
        throw new IllegalArgumentException("keepAlive time: " + time + " (expected: >= 10 s, grpc-java's shortest)");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("keepAlive timeout: " + timeout + " (expected: > 0)");
      }
      this.keepAliveTime = time;
      this.keepAliveTimeout = timeout;
      return this;
    }

    /**
     * Fills in, from the DestinationRules {@code source} delivers (the Kubernetes source, a folder
     * of manifests), what istiod's gRPC generator leaves out of clusters: outlier detection,
     * connection-pool limits other than the request limit, load balancers other than round robin,
     * least request and consistent hash, slow start, and TLS other than {@code ISTIO_MUTUAL}.
     * What istiod sends wins; only what it leaves unset is taken. The istiod source starts and
     * closes {@code source} itself and uses nothing else it delivers: do not add it to the mesh
     * too.
     */
    public Builder destinationRulesFrom(MeshSource source) {
      this.destinationRules = requireNonNull(source, "source");
      return this;
    }

    /** The jitter of reconnect back-off, uniform in [0, 1): a seam for tests. */
    Builder random(DoubleSupplier random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    public IstiodSource build() {
      return new IstiodSource(this);
    }

    private @Nullable Path rootCertificate() {
      return caCertificate != null ? caCertificate : Files.exists(DEFAULT_ROOT_CERT) ? DEFAULT_ROOT_CERT : null;
    }

    private @Nullable Path tokenFile() {
      return tokenSet ? token : Files.exists(DEFAULT_TOKEN) ? DEFAULT_TOKEN : null;
    }

    private ChannelCredentials credentials() {
      if (!tls) {
        return InsecureChannelCredentials.create();
      }
      ChannelCredentials creds;
      Path ca = rootCertificate();
      if (ca != null) {
        try {
          creds = TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
        } catch (IOException e) {
          throw new IllegalArgumentException("caCertificate " + ca + ": cannot read it: " + e.getMessage(), e);
        }
      } else {
        creds = TlsChannelCredentials.create();
      }
      Path t = tokenFile();
      return t == null ? creds : CompositeChannelCredentials.create(creds, new TokenCredentials(t));
    }
  }
}
