package dev.mesh4j.istiod.internal;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The mesh's identity source over istiod's CA: {@link IstiodCertificates} with a sink that makes
 * each verified chain a {@link WorkloadIdentity} and reports each failure to the mesh, which then
 * fails requests that need an identity closed with that reason (never plain text).
 *
 * <p>It talks to istiod over a channel of its own for an address (the same TLS settings and token
 * as the xDS stream, as Istio's agent keeps one connection for xDS and one for the CA), or over the
 * channel given. Its own channel pings istiod while a request is open ({@link KeepAlive}), so that a
 * connection gone silent is replaced before the retry. Thread-safe; started and closed once by one mesh.
 */
public final class IstiodIdentity implements IdentitySource {
  private final String name;
  private final @Nullable Channel channel;
  private final @Nullable String target;
  private final @Nullable ChannelCredentials credentials;
  private final @Nullable CallCredentials token;
  private final @Nullable Path roots;
  private final KeepAlive keepAlive;
  private final DoubleSupplier random;

  private @Nullable ManagedChannel owned;
  private @Nullable IstiodCertificates certificates;
  private boolean started;

  /**
   * @param channel a channel of the user's, or null to open one to {@code target} with
   *     {@code credentials} (which then carry the token)
   * @param token the token sent with each request over a user's channel, or null
   * @param roots the mesh's root certificates (PEM), or null when none is configured or mounted
   * @param keepAlive the pings of the channel opened to {@code target}
   */
  public IstiodIdentity(String name, @Nullable Channel channel, @Nullable String target,
      @Nullable ChannelCredentials credentials, @Nullable CallCredentials token, @Nullable Path roots,
      KeepAlive keepAlive, DoubleSupplier random) {
    this.name = requireNonNull(name, "name");
    if (channel == null && (target == null || credentials == null)) {
      throw new IllegalArgumentException("a channel, or a target and its credentials");
    }
    this.channel = channel;
    this.target = target;
    this.credentials = credentials;
    this.token = token;
    this.roots = roots;
    this.keepAlive = requireNonNull(keepAlive, "keepAlive");
    this.random = requireNonNull(random, "random");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized void start(Context context) {
    requireNonNull(context, "context");
    if (started) {
      throw new IllegalStateException(name + " is already started: one identity source serves one mesh");
    }
    started = true;
    List<X509Certificate> meshRoots;
    try {
      meshRoots = readRoots();
    } catch (IllegalArgumentException e) {
      context.unavailable(name + ": " + e.getMessage());
      return;
    }
    Channel ch = channel;
    if (ch == null) {
      owned = keepAlive.open(requireNonNull(target), requireNonNull(credentials));
      ch = owned;
    }
    certificates = new IstiodCertificates(name, ch, token, meshRoots, context.workload(),
        context.workload().trustDomain(), IstiodCertificates.DEFAULT_TTL, context.clock(), context.scheduler(),
        random, new IstiodCertificates.IdentitySink() {
          @Override
          public void issued(IstiodCertificates.Issued identity) {
            context.update(WorkloadIdentity.of(identity.chain(), identity.key(), identity.roots()));
          }

          @Override
          public void unavailable(String reason) {
            context.unavailable(reason);
          }
        });
    certificates.start();
  }

  /** The mesh's roots from their PEM file; a problem is an IllegalArgumentException naming the file. */
  private List<X509Certificate> readRoots() {
    if (roots == null) {
      throw new IllegalArgumentException("no mesh root certificate to verify istiod's certificates against: "
          + "set caCertificate(...) or mount /var/run/secrets/istio/root-cert.pem");
    }
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(roots)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("root certificate " + roots + ": cannot read it: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("root certificate " + roots + ": holds no certificate");
    }
    return out;
  }

  @Override
  public synchronized void close() {
    if (certificates != null) {
      certificates.close();
      certificates = null;
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
}
