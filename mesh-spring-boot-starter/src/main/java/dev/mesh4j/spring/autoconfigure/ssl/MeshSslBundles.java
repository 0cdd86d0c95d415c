package dev.mesh4j.spring.autoconfigure.ssl;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.Mesh;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Registers the SSL bundle {@value #BUNDLE}: the mesh's workload identity (certificate chain and
 * key) as the key store, the mesh's roots as the trust store. With {@code server.ssl.bundle=mesh}
 * the application serves Istio's mutual TLS to sidecar'd clients under {@code STRICT}: it presents
 * its workload certificate, and a client must present one the mesh's roots verify
 * ({@code server.ssl.client-auth} defaults to {@code need} for this bundle, see
 * {@link MeshSslAutoConfiguration}). A rotated identity replaces the bundle
 * ({@link SslBundleRegistry#updateBundle}): the web server takes it for new connections.
 *
 * <p>Registered only when the mesh has an identity at startup; with {@code server.ssl.bundle=mesh}
 * and none, startup fails saying so rather than serving without TLS.
 */
public final class MeshSslBundles implements SslBundleRegistrar {
  /** The bundle's name. */
  public static final String BUNDLE = "mesh";
  /**
   * The request attribute (servlet) or exchange attribute (WebFlux) holding the SPIFFE ID of the
   * client's certificate (a {@code String}), for requests that came over mutual TLS with one.
   */
  public static final String PEER_PRINCIPAL_ATTRIBUTE = "dev.mesh4j.peer-principal";

  private static final String ALIAS = "mesh";
  /** The in-memory key store's password: it never leaves this process. */
  private static final String PASSWORD = "mesh4j";

  private final Mesh mesh;
  private final boolean required;
  private final Object lock = new Object();
  /** The registry the bundle is in, once registered; guarded by lock. */
  private @Nullable SslBundleRegistry registry;
  /** The identity the bundle holds now; guarded by lock. */
  private @Nullable WorkloadIdentity current;

  /**
   * @param required whether the web server uses the bundle ({@code server.ssl.bundle=mesh}), so
   *     that a mesh without an identity fails startup
   */
  public MeshSslBundles(Mesh mesh, boolean required) {
    this.mesh = requireNonNull(mesh, "mesh");
    this.required = required;
  }

  @Override
  public void registerBundles(SslBundleRegistry registry) {
    WorkloadIdentity identity = mesh.identity();
    if (identity == null) {
      if (required) {
        throw new IllegalStateException("server.ssl.bundle=mesh: the mesh has no workload identity;"
            + " enable mesh.identity (mesh.identity.enabled=true) and check that its files exist and hold a"
            + " certificate, its key and the mesh's roots (mesh.explain(...) and the log say what is wrong)");
      }
      return;
    }
    synchronized (lock) {
      registry.registerBundle(BUNDLE, bundle(identity));
      this.registry = registry;
      this.current = identity;
    }
    // Called at once with the identity in force (already registered), then on each rotation.
    mesh.watchIdentity(this::rotated);
  }

  private void rotated(WorkloadIdentity identity) {
    synchronized (lock) {
      SslBundleRegistry r = registry;
      if (r != null && identity != current) {
        r.updateBundle(BUNDLE, bundle(identity));
        current = identity;
      }
    }
  }

  /** The bundle for {@code identity}. */
  static SslBundle bundle(WorkloadIdentity identity) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(ALIAS, identity.privateKey(), PASSWORD.toCharArray(),
          identity.certificateChain().toArray(new X509Certificate[0]));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      List<X509Certificate> roots = identity.trustRoots();
      for (int i = 0; i < roots.size(); i++) {
        trust.setCertificateEntry("root-" + i, roots.get(i));
      }
      return SslBundle.of(SslStoreBundle.of(keys, PASSWORD, trust), SslBundleKey.of(PASSWORD, ALIAS),
          SslOptions.NONE);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("SSL bundle " + BUNDLE + ": cannot hold " + identity + ": " + e.getMessage(), e);
    }
  }
}
