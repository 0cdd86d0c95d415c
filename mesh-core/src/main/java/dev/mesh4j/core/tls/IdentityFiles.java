package dev.mesh4j.core.tls;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import dev.mesh4j.core.internal.runtime.Periodic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The workload identity Istio's agent writes to files for workloads without a sidecar: a folder
 * holding {@code cert-chain.pem} (the workload certificate and its intermediates), {@code key.pem}
 * (its private key: PKCS#1, SEC1 or PKCS#8, see {@link Pem}) and {@code root-cert.pem} (the mesh's
 * roots). The agent writes there when its {@code OUTPUT_CERTS} variable names the folder (Istio's
 * proxyless injection template uses {@code /var/lib/istio/data}); Istio's file-mounted credentials
 * use {@code /var/run/secrets/workload-spiffe-credentials}.
 *
 * <pre>{@code
 * Mesh.builder().identity(IdentityFiles.istioDefaults())        // where Istio puts them
 * Mesh.builder().identity(IdentityFiles.directory(Path.of("/etc/certs")))
 * }</pre>
 *
 * <p>The files are read when the mesh is built and then every {@link #checkInterval} on the mesh's
 * scheduler (certificates live 24 hours and the agent rotates them well before). When their
 * content changed and makes a usable identity, it is {@linkplain IdentitySource.Context#update
 * delivered}: new connections present it, open ones keep theirs. Content that cannot be used — a
 * file missing or unreadable, not PEM, a key that is not the certificate's (a rotation caught
 * between two writes) — is reported with the file's name; the identity delivered before keeps
 * serving (until it expires) and the next change is tried again.
 *
 * <p>Its settings are immutable ({@link #checkInterval(Duration)} returns a copy); an instance is
 * started by one mesh, once. Thread-safe.
 */
public final class IdentityFiles implements IdentitySource {
  /** The certificate chain's file name. */
  public static final String CERT_CHAIN = "cert-chain.pem";
  /** The private key's file name. */
  public static final String KEY = "key.pem";
  /** The root certificates' file name. */
  public static final String ROOT_CERT = "root-cert.pem";
  /** Where Istio's proxyless injection has the agent write ({@code OUTPUT_CERTS}). */
  public static final Path OUTPUT_CERTS_DIRECTORY = Path.of("/var/lib/istio/data");
  /** Istio's folder of file-mounted workload credentials. */
  public static final Path SPIFFE_CREDENTIALS_DIRECTORY = Path.of("/var/run/secrets/workload-spiffe-credentials");
  /** How often the files are checked for changes unless told otherwise. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** One place the three files may be. */
  private record Location(Path chain, Path key, Path roots) {}

  private final List<Location> candidates;
  private final Duration checkInterval;
  private final Object lock = new Object();
  // The running instance's state; guarded by lock.
  private @Nullable Context context;
  private @Nullable Periodic periodic;
  private @Nullable String loaded;
  private @Nullable String refused;

  private IdentityFiles(List<Location> candidates, Duration checkInterval) {
    this.candidates = List.copyOf(candidates);
    this.checkInterval = checkInterval;
  }

  /**
   * Where Istio's agent puts them: the folder the {@code OUTPUT_CERTS} environment variable names
   * when it is set; otherwise {@link #SPIFFE_CREDENTIALS_DIRECTORY} or {@link #OUTPUT_CERTS_DIRECTORY},
   * whichever holds a {@code cert-chain.pem} (checked each time the files are read).
   */
  public static IdentityFiles istioDefaults() {
    return istioDefaults(System::getenv);
  }

  static IdentityFiles istioDefaults(Function<String, @Nullable String> env) {
    String outputCerts = env.apply("OUTPUT_CERTS");
    if (outputCerts != null && !outputCerts.isBlank()) {
      return directory(Path.of(outputCerts.trim()));
    }
    return new IdentityFiles(List.of(in(SPIFFE_CREDENTIALS_DIRECTORY), in(OUTPUT_CERTS_DIRECTORY)),
        DEFAULT_CHECK_INTERVAL);
  }

  /** The three files in {@code directory}, under Istio's names. */
  public static IdentityFiles directory(Path directory) {
    requireNonNull(directory, "directory");
    return new IdentityFiles(List.of(in(directory)), DEFAULT_CHECK_INTERVAL);
  }

  /** Three files named one by one. */
  public static IdentityFiles of(Path certChain, Path key, Path rootCert) {
    requireNonNull(certChain, "certChain");
    requireNonNull(key, "key");
    requireNonNull(rootCert, "rootCert");
    return new IdentityFiles(List.of(new Location(certChain, key, rootCert)), DEFAULT_CHECK_INTERVAL);
  }

  private static Location in(Path directory) {
    return new Location(directory.resolve(CERT_CHAIN), directory.resolve(KEY), directory.resolve(ROOT_CERT));
  }

  /** A copy that checks the files this often (default 10 s). */
  public IdentityFiles checkInterval(Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("checkInterval: " + interval + " (expected: > 0)");
    }
    return new IdentityFiles(candidates, interval);
  }

  /** How often the files are checked. */
  public Duration checkInterval() {
    return checkInterval;
  }

  @Override
  public String name() {
    StringBuilder sb = new StringBuilder("files:");
    for (int i = 0; i < candidates.size(); i++) {
      Location l = candidates.get(i);
      sb.append(i == 0 ? "" : " or ")
          .append(l.chain().getParent() != null && l.key().getParent() != null
              && l.chain().getParent().equals(l.key().getParent()) && l.chain().getParent().equals(l.roots().getParent())
              ? l.chain().getParent().toString()
              : l.chain() + "," + l.key() + "," + l.roots());
    }
    return sb.toString();
  }

  /** Reads the files now (delivering what they hold) and then every {@link #checkInterval}. */
  @Override
  public void start(Context context) {
    requireNonNull(context, "context");
    synchronized (lock) {
      if (this.context != null) {
        throw new IllegalStateException("mesh4j: " + name() + " is already started; one mesh uses one IdentityFiles");
      }
      this.context = context;
      check();
      periodic = Periodic.start(context.scheduler(), () -> checkInterval, this::check, "identity-files");
    }
  }

  /** Reads the files and delivers what changed. */
  private void check() {
    synchronized (lock) {
      checkLocked();
    }
  }

  private void checkLocked() {
    Context c = context;
    if (c == null) {
      return;
    }
    Location at = located();
    byte[] chain;
    byte[] key;
    byte[] roots;
    try {
      chain = read(at.chain());
      key = read(at.key());
      roots = read(at.roots());
    } catch (IOException e) {
      refused = null;
      c.unavailable(e.getMessage());
      return;
    }
    String fingerprint = fingerprint(chain, key, roots);
    if (fingerprint.equals(loaded) || fingerprint.equals(refused)) {
      return;
    }
    WorkloadIdentity identity;
    try {
      List<X509Certificate> certificates = Pem.certificates(at.chain().toString(), chain);
      PrivateKey privateKey = Pem.privateKey(at.key().toString(), key);
      List<X509Certificate> trust = Pem.certificates(at.roots().toString(), roots);
      try {
        identity = WorkloadIdentity.of(certificates, privateKey, trust);
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException(at.key() + " is not the private key of the certificate in " + at.chain()
            + " (files caught mid-rotation are read again at the next check)", e);
      }
    } catch (GeneralSecurityException e) {
      refused = fingerprint;
      c.unavailable(e.getMessage());
      return;
    }
    loaded = fingerprint;
    refused = null;
    c.update(identity);
  }

  /** The first candidate whose certificate chain exists, else the first (for its messages). */
  private Location located() {
    for (Location l : candidates) {
      if (Files.exists(l.chain())) {
        return l;
      }
    }
    return candidates.get(0);
  }

  private byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (candidates.size() > 1 && file.getFileName().toString().equals(CERT_CHAIN)) {
        List<String> tried = new ArrayList<>();
        for (Location l : candidates) {
          tried.add(l.chain().toString());
        }
        throw new IOException("none of " + String.join(", ", tried) + " exists (set OUTPUT_CERTS, or name the"
            + " folder: IdentityFiles.directory(...), mesh.identity.directory)", e);
      }
      throw new IOException(file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String fingerprint(byte[]... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        sha.update(Long.toString(part.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(part);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** Stops checking. */
  @Override
  public void close() {
    synchronized (lock) {
      if (periodic != null) {
        periodic.close();
        periodic = null;
      }
      context = null;
    }
  }

  @Override
  public String toString() {
    return "IdentityFiles[" + name() + ", every " + checkInterval + "]";
  }
}
