package dev.mesh4j.okhttp;

import dev.mesh4j.core.testing.MeshCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real TLS server standing in for a workload behind an Istio sidecar in {@code STRICT} mode:
 * HAProxy from Debian, on 127.0.0.1, presenting a SPIFFE certificate of the test's mesh CA and
 * requiring a client certificate of the same CA. Each frontend answers every request itself with
 * what it saw of the connection: {@code name=… tls=1 alpn=… client_serial=… verify=0 port=…}
 * (the ALPN value it selected, the client certificate's serial in hex, the client's source port —
 * one per connection). A frontend may also be plain HTTP (a workload without a sidecar), answering
 * {@code name=… tls=0 port=…}.
 *
 * <p>HAProxy comes from the Debian package {@code haproxy}, installed by {@link #haproxy()} when
 * missing; a test that needs it is skipped, saying so, only when it cannot be installed. Test
 * fixture; closing it stops HAProxy.
 */
final class StrictSidecar implements AutoCloseable {
  private final Process process;
  private final Map<String, Integer> ports;
  private final Path log;

  private StrictSidecar(Process process, Map<String, Integer> ports, Path log) {
    this.process = process;
    this.ports = ports;
    this.log = log;
  }

  /**
   * The HAProxy binary: installed from the Debian package when missing (as root or with
   * passwordless sudo, as {@code mesh-benchmarks/run-e2e.sh} does); when it cannot be installed the
   * test is skipped, saying what to install.
   */
  static Path haproxy() {
    Path found = find();
    if (found != null) {
      return found;
    }
    String why = install();
    found = find();
    Assumptions.assumeTrue(found != null, () -> "HAProxy stands in for a sidecar in STRICT mode and is not"
        + " installed, nor could it be (" + why + "): install the Debian package haproxy to run this test");
    return found;
  }

  private static @Nullable Path find() {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, "haproxy");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** Runs {@code apt-get install haproxy}; returns why it did not work, or "" when it ran. */
  private static synchronized String install() {
    if (find() != null) {
      return "";
    }
    if (!Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      return "no apt-get";
    }
    List<String> sudo = List.of();
    if (!"root".equals(System.getProperty("user.name"))) {
      if (run(List.of("sudo", "-n", "true")) != 0) {
        return "not root and no passwordless sudo";
      }
      sudo = List.of("sudo", "-n");
    }
    List<String> install = new ArrayList<>(sudo);
    install.addAll(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q", "haproxy"));
    if (run(install) == 0) {
      return "";
    }
    List<String> update = new ArrayList<>(sudo);
    update.addAll(List.of("apt-get", "update", "-q"));
    return run(update) == 0 && run(install) == 0 ? "" : "apt-get install haproxy failed";
  }

  private static int run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Frontends to start, by name. */
  static final class Builder {
    private final Path dir;
    private final MeshCa ca;
    private final MeshCa.Issued certificate;
    private final Map<String, String> frontends = new LinkedHashMap<>();

    Builder(Path dir, MeshCa ca, MeshCa.Issued certificate) {
      this.dir = dir;
      this.ca = ca;
      this.certificate = certificate;
    }

    /** A mutual-TLS frontend whose server selects among {@code alpn} (its preference order). */
    Builder strict(String name, String alpn) {
      frontends.put(name, "ssl crt " + dir.resolve("server.pem") + " ca-file " + dir.resolve("ca.pem")
          + " verify required alpn " + alpn);
      return this;
    }

    /** A plain HTTP frontend. */
    Builder plain(String name) {
      frontends.put(name, "");
      return this;
    }

    StrictSidecar start() throws IOException {
      Path haproxy = haproxy();
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("server.pem"), certificate.chainPem() + certificate.keyPem());
      Files.writeString(dir.resolve("ca.pem"), ca.rootPem());
      Map<String, Integer> ports = new LinkedHashMap<>();
      StringBuilder cfg = new StringBuilder("""
          global
            maxconn 512
          defaults
            mode http
            timeout connect 5s
            timeout client 30s
            timeout server 30s
            option http-keep-alive
          """);
      for (Map.Entry<String, String> f : frontends.entrySet()) {
        int port = freePort();
        ports.put(f.getKey(), port);
        boolean tls = !f.getValue().isEmpty();
        cfg.append("frontend ").append(f.getKey()).append('\n')
            .append("  bind 127.0.0.1:").append(port).append(tls ? " " + f.getValue() : "").append('\n')
            .append("  http-request return status 200 content-type text/plain lf-string \"name=")
            .append(f.getKey())
            .append(tls ? " tls=%[ssl_fc] alpn=%[ssl_fc_alpn] client_serial=%[ssl_c_serial,hex] verify=%[ssl_c_verify]"
                : " tls=0")
            .append(" port=%[src_port]\"\n");
      }
      Path config = dir.resolve("haproxy.cfg");
      Files.writeString(config, cfg);
      Path log = dir.resolve("haproxy.log");
      Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", config.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      StrictSidecar sidecar = new StrictSidecar(p, ports, log);
      sidecar.awaitListening(Duration.ofSeconds(20));
      return sidecar;
    }
  }

  static Builder builder(Path dir, MeshCa ca, MeshCa.Issued certificate) {
    return new Builder(dir, ca, certificate);
  }

  int port(String frontend) {
    Integer p = ports.get(frontend);
    if (p == null) {
      throw new IllegalArgumentException("no frontend " + frontend);
    }
    return p;
  }

  private void awaitListening(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Integer> waiting = new ArrayList<>(ports.values());
    while (!waiting.isEmpty()) {
      if (!process.isAlive()) {
        throw new IOException("HAProxy exited (" + process.exitValue() + "): " + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IOException("HAProxy did not listen on " + waiting + " within " + timeout + ": "
            + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), waiting.get(0)), 200);
        waiting.remove(0);
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
  }

  /** What HAProxy printed (warnings, errors), for failure messages. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
