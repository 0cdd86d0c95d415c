package dev.mesh4j.core.tls;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ClientTlsSettings;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.internal.common.Quoting;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS origination towards endpoints ({@code DestinationRule} {@code tls} SIMPLE and MUTUAL), for
 * any transport: trust from {@code caCertificates} (PEM) or the JVM's store, a client certificate
 * for MUTUAL, and the names the server's certificate must carry ({@link #expectedNames}). The
 * transport turns each built context into what its client takes ({@link Factory}).
 *
 * <p>One context per setting, built when a request first needs it from the files the setting
 * names ({@link TlsMaterial}), and rebuilt when they change: a request finding the last check
 * older than the check interval (on the mesh's ticker) re-reads them — one request at a time, the
 * others go on with the current context — and when their content changed, builds a new context
 * for new connections. Connections already made are untouched; unchanged material keeps its
 * context (and so the transport's pooled connections). A change that cannot be used (a
 * half-written file, a key that does not match its certificate) keeps the last good context and
 * is logged once as a warning; the next change is tried again. Without any good context yet,
 * requests fail (never in plain text).
 *
 * <p>What the transport makes of a context for one SNI is cheap (a socket factory, a verifier)
 * and kept per setting and SNI, the same object while the context is, so that the transport pools
 * connections per SNI; at most {@link #MAX_SERVER_NAMES} server names per setting are kept (a
 * wildcard DestinationRule sees as many names as requests have hosts), the least recently used
 * dropped first. Thread-safe.
 *
 * @param <C> what the transport makes of a context (OkHttp: a socket factory and verifier; the
 *     JDK: a client)
 */
public final class TlsOrigination<C> {
  private static final Logger log = LoggerFactory.getLogger(TlsOrigination.class);

  /** How often a context's files are checked for changes, at most. */
  public static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

  /** The server names whose transport objects are kept per setting. */
  public static final int MAX_SERVER_NAMES = 1_000;

  /** What a transport makes of one built context. */
  @FunctionalInterface
  public interface Factory<C> {
    /**
     * @param built the SSL context and its trust manager
     * @param settings the setting it was built for
     * @param sni the server name to send, or null
     * @throws GeneralSecurityException when it cannot be used; the last good context is kept
     */
    C create(TlsMaterial.Built built, ClientTlsSettings settings, @Nullable String sni)
        throws GeneralSecurityException;
  }

  private final Ticker ticker;
  private final long intervalNanos;
  private final Factory<C> factory;
  private final ConcurrentHashMap<ClientTlsSettings, Reloading> contexts = new ConcurrentHashMap<>();

  /**
   * @param ticker the mesh's ticker (when files are checked again)
   * @param checkInterval how often a context's files are checked for changes, at most
   */
  public TlsOrigination(Ticker ticker, Duration checkInterval, Factory<C> factory) {
    this.ticker = requireNonNull(ticker, "ticker");
    this.intervalNanos = requireNonNull(checkInterval, "checkInterval").toNanos();
    this.factory = requireNonNull(factory, "factory");
  }

  /**
   * The current context for a setting and SNI.
   *
   * @throws SSLException when no context could be built yet (a file missing or unusable); the
   *     message names the file
   */
  public C context(ClientTlsSettings settings, @Nullable String sni) throws SSLException {
    Reloading r = contexts.get(settings);
    if (r == null) {
      r = contexts.computeIfAbsent(settings, Reloading::new);
    }
    TlsMaterial.Built built = r.current(ticker.nanos());
    String name = sni == null ? "" : sni;
    ForServerName<C> c = r.byServerName.getIfPresent(name);
    if (c == null || c.built() != built) {
      try {
        c = new ForServerName<>(built, factory.create(built, settings, sni));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new SSLException("cannot set up TLS origination for " + r.describe()
            + (sni == null ? "" : ", SNI " + Quoting.escape(sni)) + ": " + e.getMessage(), e);
      }
      // Two requests may both make one: either is right, the later one stays.
      r.byServerName.put(name, c);
    }
    return c.value();
  }

  /** What the transport made of one context for one server name. */
  private record ForServerName<C>(TlsMaterial.Built built, C value) {}

  /**
   * The names a server's certificate must carry one of: the setting's {@code subjectAltNames},
   * else the SNI, else none (then the transport checks the host it connected to).
   */
  public static List<String> expectedNames(ClientTlsSettings settings, @Nullable String sni) {
    List<String> names = new ArrayList<>(settings.subjectAltNames());
    if (names.isEmpty() && sni != null) {
      names.add(sni);
    }
    return List.copyOf(names);
  }

  /** Whether the certificate carries one of the names. */
  public static boolean matchesAny(List<String> names, X509Certificate certificate) {
    for (String n : names) {
      if (SubjectAltNames.matches(n, certificate)) {
        return true;
      }
    }
    return false;
  }

  /** One setting's context, rebuilt from its files when they change. */
  private final class Reloading {
    private final ClientTlsSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    /** What the transport made of the context, per server name ("" for none). */
    final Cache<String, ForServerName<C>> byServerName =
        Caffeine.newBuilder().maximumSize(MAX_SERVER_NAMES).build();
    private volatile TlsMaterial.@Nullable Built current;
    /** Why there is no context yet, or null. */
    private volatile @Nullable String failure;
    private volatile boolean checked;
    private volatile long nextCheck;
    // Guarded by lock: fingerprints of the material in use and of the last material refused.
    private @Nullable String loaded;
    private @Nullable String refused;

    Reloading(ClientTlsSettings settings) {
      this.settings = settings;
    }

    TlsMaterial.Built current(long now) throws SSLException {
      if (!checked) {
        // The first request waits for the first load.
        lock.lock();
        try {
          if (!checked) {
            check(now);
            checked = true;
          }
        } finally {
          lock.unlock();
        }
      } else if (now - nextCheck >= 0 && lock.tryLock()) {
        try {
          if (now - nextCheck >= 0) {
            check(now);
          }
        } finally {
          lock.unlock();
        }
      }
      TlsMaterial.Built c = current;
      if (c == null) {
        throw new SSLException("cannot set up TLS origination: " + failure);
      }
      return c;
    }

    private void check(long now) {
      nextCheck = now + intervalNanos;
      TlsMaterial material;
      try {
        material = TlsMaterial.read(settings);
      } catch (IOException e) {
        refuse(null, e.getMessage());
        return;
      }
      if (material.fingerprint().equals(loaded)) {
        return;
      }
      TlsMaterial.Built built;
      try {
        built = material.build(Boolean.TRUE.equals(settings.insecureSkipVerify()));
      } catch (GeneralSecurityException | RuntimeException e) {
        refuse(material, e.getMessage());
        return;
      }
      if (loaded != null || refused != null) {
        log.info("mesh4j: TLS material for {} (re)loaded from {}", describe(), material.files());
      }
      loaded = material.fingerprint();
      refused = null;
      failure = null;
      current = built;
      byServerName.invalidateAll();
    }

    /** Keeps the last good context; logs a failure once per unusable content. */
    private void refuse(@Nullable TlsMaterial material, @Nullable String why) {
      String fingerprint = material == null ? "unreadable: " + why : material.fingerprint();
      boolean again = fingerprint.equals(refused);
      refused = fingerprint;
      if (current == null) {
        failure = why;
        if (!again) {
          log.warn("mesh4j: no TLS origination for {}: {}; requests to it fail until the files can be read",
              describe(), why);
        }
      } else if (!again) {
        log.warn("mesh4j: keeping the TLS material loaded before for {}: its files changed but cannot be used: {}",
            describe(), why);
      }
    }

    String describe() {
      return "mode " + settings.mode();
    }
  }
}
