package dev.mesh4j.istiod.internal;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Workload;
import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload's certificate from istiod's CA, as Istio's agent gets it for a sidecar: a fresh
 * ECDSA P-256 key, a CSR for the workload's SPIFFE ID sent to
 * {@code IstioCertificateService/CreateCertificate} with the projected service-account token (and
 * the cluster id, as the agent sends it), the returned chain verified against the mesh's roots,
 * and a new key and certificate before the old one expires.
 *
 * <p><b>Verification.</b> A chain is used only when its first certificate holds this key, names
 * {@code spiffe://<any trust domain>/ns/<namespace>/sa/<service account>} of the workload, and
 * chains to one of the mesh's roots (PKIX, at the clock's time). Anything else is reported as
 * {@link IdentitySink#unavailable} and retried; the identity delivered before keeps serving.
 *
 * <p><b>Rotation</b> as the agent's ({@code SECRET_GRACE_PERIOD_RATIO} 0.5, jitter 0.01): when
 * half the certificate's lifetime, counted from its receipt, is left, ±1 % of the lifetime. A
 * failed request is retried after 1 s, doubling to at most 1 min, ±20 %.
 *
 * <p><b>The identity seam.</b> {@link IdentitySink} has the two calls of the mesh's identity
 * source context ({@code update(WorkloadIdentity)}, {@code unavailable(String)}): when the mesh
 * takes an identity source, the istiod source offers one whose sink makes each {@link Issued} a
 * {@code WorkloadIdentity.of(chain, key, roots)}.
 *
 * <p>Thread-safe: requests and rotations run on grpc's and the scheduler's threads, one at a time.
 */
public final class IstiodCertificates implements AutoCloseable {
  static final Logger log = LoggerFactory.getLogger("dev.mesh4j.istiod");
  /** Istio's default certificate lifetime ({@code SECRET_TTL}). */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(1);
  static final double GRACE_PERIOD_RATIO = 0.5;
  static final double GRACE_PERIOD_JITTER = 0.01;
  private static final Metadata.Key<String> CLUSTER_ID = Metadata.Key.of("ClusterID", Metadata.ASCII_STRING_MARSHALLER);

  /** Where certificates go: the two calls of the mesh's identity source context. */
  public interface IdentitySink {
    /** A verified certificate chain and its key; new connections should present it from now on. */
    void issued(Issued identity);

    /** No usable certificate, and why (naming the CA); an identity issued before keeps serving. */
    void unavailable(String reason);
  }

  /**
   * A certificate istiod issued: the chain from the workload's certificate up to (without) the
   * mesh's root, its private key, the roots it was verified against. Immutable.
   */
  public record Issued(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> roots, String spiffeId,
      Instant notAfter) {
    public Issued {
      chain = List.copyOf(chain);
      roots = List.copyOf(roots);
    }

    @Override
    public String toString() {
      return spiffeId + " until " + notAfter;
    }
  }

  private final String name;
  private final Channel channel;
  private final @Nullable CallCredentials token;
  private final List<X509Certificate> roots;
  private final Set<TrustAnchor> anchors;
  private final Workload workload;
  private final String spiffeId;
  private final String trustDomain;
  private final Duration ttl;
  private final Clock clock;
  private final Scheduler scheduler;
  private final DoubleSupplier random;
  private final IdentitySink sink;

  private Scheduler.@Nullable Cancellable next;
  private Duration retry = FIRST_RETRY;
  private boolean closed;
  private long generation;

  /**
   * @param name the CA for messages, e.g. {@code istiod.istio-system.svc:15012}
   * @param token the service-account token's credentials; null when the channel carries its own
   * @param roots the mesh's root certificates ({@code root-cert.pem})
   * @param trustDomain the trust domain written in the CSR (istiod issues for its own)
   */
  public IstiodCertificates(String name, Channel channel, @Nullable CallCredentials token,
      List<X509Certificate> roots, Workload workload, String trustDomain, Duration ttl, Clock clock,
      Scheduler scheduler, DoubleSupplier random, IdentitySink sink) {
    this.name = requireNonNull(name, "name");
    Metadata headers = new Metadata();
    headers.put(CLUSTER_ID, workload.clusterId());
    this.channel = ClientInterceptors.intercept(requireNonNull(channel, "channel"),
        MetadataUtils.newAttachHeadersInterceptor(headers));
    this.token = token;
    if (roots.isEmpty()) {
      throw new IllegalArgumentException(name + ": no mesh root certificate to verify istiod's certificates against");
    }
    this.roots = List.copyOf(roots);
    Set<TrustAnchor> a = new HashSet<>();
    roots.forEach(r -> a.add(new TrustAnchor(r, null)));
    this.anchors = Set.copyOf(a);
    this.workload = requireNonNull(workload, "workload");
    this.spiffeId = "spiffe://" + trustDomain + "/ns/" + workload.namespace() + "/sa/" + workload.serviceAccount();
    this.trustDomain = trustDomain;
    this.ttl = requireNonNull(ttl, "ttl");
    this.clock = requireNonNull(clock, "clock");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.random = requireNonNull(random, "random");
    this.sink = requireNonNull(sink, "sink");
  }

  /** Sends the first CSR now; the answer, and every rotation after it, goes to the sink. */
  public synchronized void start() {
    request();
  }

  private synchronized void request() {
    if (closed) {
      return;
    }
    long attempt = ++generation;
    KeyPair keys = Csr.newKeyPair();
    CaProtocol.CertificateRequest csr = new CaProtocol.CertificateRequest(Csr.pem(keys, spiffeId, trustDomain),
        ttl.getSeconds());
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (token != null) {
      options = options.withCallCredentials(token);
    }
    ClientCalls.asyncUnaryCall(channel.newCall(CaProtocol.CREATE_CERTIFICATE, options), csr,
        new StreamObserver<>() {
          @Override
          public void onNext(CaProtocol.CertificateResponse response) {
            answered(attempt, keys, response);
          }

          @Override
          public void onError(Throwable t) {
            Status s = Status.fromThrowable(t);
            failed(attempt, "CreateCertificate failed: " + s.getCode()
                + (s.getDescription() != null ? " " + s.getDescription() : ""));
          }

          @Override
          public void onCompleted() {}
        });
  }

  private void answered(long attempt, KeyPair keys, CaProtocol.CertificateResponse response) {
    Issued issued;
    try {
      issued = verify(keys, response.certChain());
    } catch (IllegalArgumentException e) {
      failed(attempt, e.getMessage());
      return;
    }
    synchronized (this) {
      if (closed || attempt != generation) {
        return;
      }
      retry = FIRST_RETRY;
      Instant now = clock.instant();
      Duration lifetime = Duration.between(now, issued.notAfter());
      double ratio = GRACE_PERIOD_RATIO + GRACE_PERIOD_JITTER * (2 * random.getAsDouble() - 1);
      Duration delay = lifetime.minusNanos((long) (ratio * lifetime.toNanos()));
      next = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, this::request);
      log.info("{}: certificate for {} until {}; the next at {}", name, issued.spiffeId(), issued.notAfter(),
          now.plus(delay));
    }
    sink.issued(issued);
  }

  private void failed(long attempt, String reason) {
    String message = name + ": " + reason;
    synchronized (this) {
      if (closed || attempt != generation) {
        return;
      }
      Duration delay = Duration.ofNanos((long) (retry.toNanos() * (0.8 + 0.4 * random.getAsDouble())));
      retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
      next = scheduler.schedule(delay, this::request);
      log.warn("{} (retrying in {} ms)", message, delay.toMillis());
    }
    sink.unavailable(message);
  }

  /** The chain istiod answered, checked; a problem is an IllegalArgumentException naming it. */
  Issued verify(KeyPair keys, List<String> pems) {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (String pem : pems) {
        for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          chain.add((X509Certificate) c);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cert_chain: not PEM certificates: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("cert_chain: empty");
    }
    X509Certificate leaf = chain.get(0);
    if (!Arrays.equals(leaf.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
      throw new IllegalArgumentException("cert_chain[0]: not a certificate of the key the CSR was for");
    }
    String issuedFor = spiffeIdOf(leaf);
    String path = "/ns/" + workload.namespace() + "/sa/" + workload.serviceAccount();
    if (issuedFor == null || !issuedFor.startsWith("spiffe://") || !issuedFor.endsWith(path)
        || issuedFor.indexOf('/', "spiffe://".length()) != issuedFor.length() - path.length()) {
      throw new IllegalArgumentException("cert_chain[0]: issued for " + (issuedFor == null ? "no SPIFFE ID" : issuedFor)
          + ", not for " + path.substring(1));
    }
    // The chain up to, not including, a certificate that is one of the roots.
    List<X509Certificate> verified = new ArrayList<>(chain);
    while (verified.size() > 1 && roots.contains(verified.get(verified.size() - 1))) {
      verified.remove(verified.size() - 1);
    }
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(verified), params);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cert_chain: does not verify against the mesh's root certificate "
          + roots.get(0).getSubjectX500Principal() + ": " + e.getMessage(), e);
    }
    return new Issued(verified, keys.getPrivate(), roots, issuedFor, leaf.getNotAfter().toInstant());
  }

  static @Nullable String spiffeIdOf(X509Certificate cert) {
    try {
      var names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> n : names) {
          if (Integer.valueOf(6).equals(n.get(0)) && String.valueOf(n.get(1)).startsWith("spiffe://")) {
            return String.valueOf(n.get(1));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return null;
    }
    return null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
      next = null;
    }
  }

  @Override
  public String toString() {
    return "certificates from " + name;
  }
}
