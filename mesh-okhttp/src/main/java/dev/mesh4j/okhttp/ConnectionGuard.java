package dev.mesh4j.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.SocketFactory;
import okhttp3.Dns;
import okhttp3.Interceptor;
import org.jspecify.annotations.Nullable;

/**
 * Keeps an attempt's connections to the address the mesh chose for it, at the network layer:
 * whatever runs below the mesh (OkHttp's own follow-ups, an interceptor added after the mesh, a
 * future OkHttp feature), no connection — not a DNS query, not a TCP handshake — goes to any
 * other address. It is given to OkHttp per attempt as the chain's socket factory, DNS and proxy
 * selector:
 *
 * <ul>
 *   <li>as the proxy selector, it hands the application's proxies to the chosen URL only; any
 *       other URL gets no proxy, so it must connect directly and meets the other two checks;
 *   <li>as the DNS, it resolves the chosen host (to the endpoint's address when the URL names the
 *       logical host) and the application's proxy hosts for it, and refuses every other name;
 *   <li>as the socket factory, it wraps the application's sockets so that {@code connect} refuses
 *       any address but the chosen one (or its proxy) before a byte is sent.
 * </ul>
 *
 * <p>An attempt that keeps the application's TLS to an endpoint (an {@code https} request the
 * mesh sends to an endpoint it picked, as a {@code tls} route to an egress gateway does) keeps the
 * host it called in the URL, with the endpoint's port, and this DNS resolves that host to the
 * endpoint's address: OkHttp's own TLS then sends the host as server name and verifies the
 * certificate and the application's pins against it, unchanged, and the resolved address is
 * part of the pooled connection's address (through this DNS's equality), so a connection made to
 * a gateway is never reused for the same host sent elsewhere. A socket factory that remapped the
 * connect address would hide the real address from OkHttp's route (its events, its memory of
 * failed routes, its proxy selection would name another), and a client derived per route would
 * duplicate what the chain's per-attempt overrides already give.
 *
 * <p>OkHttp compares the DNS and proxy selector of a pooled connection's address with the
 * request's, so equality here is by value — the chosen host and port, the application's own
 * socket factory, DNS and proxy settings — and an attempt to the same place reuses pooled
 * connections. The attempt whose deadline closes the sockets it opens is not part of equality.
 * Immutable apart from that attempt; thread-safe (OkHttp connects from several threads).
 */
final class ConnectionGuard extends SocketFactory implements Dns {
  private final String scheme;
  private final String host;
  private final int port;
  private final @Nullable String resolveTo;
  private final SocketFactory sockets;
  private final Dns dns;
  private final @Nullable Proxy proxy;
  private final ProxySelector proxySelector;
  private final @Nullable Attempt attempt;
  private final Selector selector = new Selector();

  /**
   * @param host the URL host OkHttp connects for
   * @param resolveTo what {@code host} resolves to (an endpoint's address, when the URL names the
   *     logical host), or null to resolve it through the application's DNS
   * @param attempt the attempt whose deadline closes the sockets opened for it, or null
   */
  private ConnectionGuard(String scheme, String host, int port, @Nullable String resolveTo, SocketFactory sockets,
      Dns dns, @Nullable Proxy proxy, ProxySelector proxySelector, @Nullable Attempt attempt) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.resolveTo = resolveTo;
    this.sockets = sockets;
    this.dns = dns;
    this.proxy = proxy;
    this.proxySelector = proxySelector;
    this.attempt = attempt;
  }

  /**
   * The chain, guarded: its connections may go only to {@code host:port} (resolved to
   * {@code resolveTo} when given) or the application's proxy for it.
   */
  static Interceptor.Chain guard(Interceptor.Chain chain, String scheme, String host, int port,
      @Nullable String resolveTo, @Nullable Attempt attempt) {
    ConnectionGuard g = new ConnectionGuard(scheme, host, port, resolveTo, chain.getSocketFactory(), chain.getDns(),
        chain.getProxy(), chain.getProxySelector(), attempt);
    Interceptor.Chain c = chain.withSocketFactory(g).withDns(g).withProxySelector(g.selector);
    // An explicit proxy would bypass the selector: the selector hands it out, to the chosen URL only.
    return chain.getProxy() == null ? c : c.withProxy(null);
  }

  @Override
  public List<InetAddress> lookup(String name) throws UnknownHostException {
    if (name.equalsIgnoreCase(host)) {
      String target = resolveTo != null ? resolveTo : host;
      return named(name, isIpLiteral(target) ? List.of(literal(target)) : dns.lookup(target));
    }
    if (isProxyHost(name)) {
      return named(name, dns.lookup(name));
    }
    throw new UnknownHostException("mesh4j refused to resolve " + name + ": " + chosen());
  }

  /**
   * Attaches the name to every address, so that {@link #check} recognises them whatever the
   * application's DNS returned.
   */
  private static List<InetAddress> named(String name, List<InetAddress> addresses) throws UnknownHostException {
    List<InetAddress> out = new ArrayList<>(addresses.size());
    for (InetAddress a : addresses) {
      out.add(InetAddress.getByAddress(name, a.getAddress()));
    }
    return out;
  }

  @Override
  public Socket createSocket() throws IOException {
    Socket socket = new GuardedSocket(sockets.createSocket(), this);
    if (attempt != null) {
      attempt.opened(socket);
    }
    return socket;
  }

  // OkHttp creates unconnected sockets; the connecting forms are here for completeness.

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    InetSocketAddress address = resolve(host, port);
    Socket s = createSocket();
    s.connect(address);
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    InetSocketAddress address = resolve(host, port);
    Socket s = createSocket();
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(address);
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket s = createSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    Socket s = createSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  /** Checks a name before resolving it, then resolves it as OkHttp would (through this guard). */
  private InetSocketAddress resolve(String name, int port) throws IOException {
    check(InetSocketAddress.createUnresolved(name, port));
    return new InetSocketAddress(lookup(name).get(0), port);
  }

  /** Refuses, before any byte is sent, a connection to anywhere but the chosen address or its proxy. */
  void check(SocketAddress address) throws EgressRefusedException {
    if (address instanceof InetSocketAddress a && (isTarget(a) || isProxy(a))) {
      return;
    }
    throw new EgressRefusedException("mesh4j refused a connection to " + describe(address) + ": " + chosen());
  }

  private boolean isTarget(InetSocketAddress a) {
    if (a.getPort() != port) {
      return false;
    }
    // Names this guard resolved carry the name; a literal URL host is the address itself.
    if (a.getHostString().equalsIgnoreCase(host)) {
      return true;
    }
    return isIpLiteral(host) && a.getAddress() != null && a.getAddress().equals(literalOrNull(host));
  }

  private boolean isProxy(InetSocketAddress a) {
    for (Proxy p : proxies()) {
      if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress pa && pa.getPort() == a.getPort()
          && (pa.getHostString().equalsIgnoreCase(a.getHostString())
              || (pa.getAddress() != null && pa.getAddress().equals(a.getAddress())))) {
        return true;
      }
    }
    return false;
  }

  private boolean isProxyHost(String name) {
    for (Proxy p : proxies()) {
      if (p.type() != Proxy.Type.DIRECT && p.address() instanceof InetSocketAddress pa
          && pa.getHostString().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** The application's proxies for the chosen URL (only looked up while connecting). */
  private List<Proxy> proxies() {
    return proxies(proxy, proxySelector, scheme, host, port);
  }

  /** The proxies OkHttp would try for a URL, as the application's proxy settings say. */
  private static List<Proxy> proxies(@Nullable Proxy proxy, ProxySelector selector, String scheme, String host,
      int port) {
    if (proxy != null) {
      return List.of(proxy);
    }
    try {
      List<Proxy> selected = selector.select(new URI(scheme, null, host, port, "/", null, null));
      return selected == null || selected.isEmpty() ? List.of(Proxy.NO_PROXY) : selected;
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return List.of(Proxy.NO_PROXY);
    }
  }

  /** Whether the application's proxy settings send a URL through a proxy (so that the proxy resolves it). */
  static boolean proxied(Interceptor.Chain chain, String scheme, String host, int port) {
    for (Proxy p : proxies(chain.getProxy(), chain.getProxySelector(), scheme, host, port)) {
      if (p.type() != Proxy.Type.DIRECT) {
        return true;
      }
    }
    return false;
  }

  private String chosen() {
    String where = resolveTo != null ? host + " at " + resolveTo + ":" + port : host + ":" + port;
    return "the mesh sent this request to " + where + ", and nothing below the mesh may send it elsewhere";
  }

  private static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress a) {
      String h = a.getHostString();
      return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }
    return String.valueOf(address);
  }

  static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** An IP literal as an address, without any lookup. */
  private static InetAddress literal(String ip) throws UnknownHostException {
    String bare = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    return InetAddress.getByName(bare);
  }

  private static @Nullable InetAddress literalOrNull(String ip) {
    try {
      return literal(ip);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionGuard g && g.port == port && g.host.equals(host) && g.scheme.equals(scheme)
        && Objects.equals(g.resolveTo, resolveTo) && g.sockets.equals(sockets) && g.dns.equals(dns)
        && Objects.equals(g.proxy, proxy) && g.proxySelector.equals(proxySelector);
  }

  @Override
  public int hashCode() {
    return 31 * host.hashCode() + port;
  }

  @Override
  public String toString() {
    return "ConnectionGuard{" + (resolveTo != null ? host + "@" + resolveTo : host) + ":" + port + "}";
  }

  /** The application's proxies for the chosen URL; no proxy for any other. */
  private final class Selector extends ProxySelector {
    @Override
    public List<Proxy> select(URI uri) {
      String h = uri.getHost();
      if (h != null && h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      int p = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      if (h != null && p == port && h.equalsIgnoreCase(host)) {
        return proxies();
      }
      // Direct, and so refused by the DNS and socket checks.
      return List.of(Proxy.NO_PROXY);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
      if (proxy == null) {
        proxySelector.connectFailed(uri, address, e);
      }
    }

    private ConnectionGuard guard() {
      return ConnectionGuard.this;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Selector s && s.guard().equals(guard());
    }

    @Override
    public int hashCode() {
      return guard().hashCode();
    }
  }
}
