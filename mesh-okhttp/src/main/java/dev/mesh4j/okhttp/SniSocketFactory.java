package dev.mesh4j.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sets the SNI on every socket, since the URL names the endpoint's address rather than the host
 * the server's certificate is for. Equal when it wraps the same factory for the same name, so
 * pooled connections are shared exactly between requests that would make the same handshake.
 */
final class SniSocketFactory extends SSLSocketFactory {
  private final SSLSocketFactory delegate;
  private final @Nullable String sni;

  SniSocketFactory(SSLSocketFactory delegate, @Nullable String sni) {
    this.delegate = delegate;
    this.sni = sni;
  }

  private Socket configure(Socket socket) {
    SNIHostName name = serverName(sni);
    if (name != null && socket instanceof SSLSocket ssl) {
      SSLParameters p = ssl.getSSLParameters();
      p.setServerNames(List.of(name));
      ssl.setSSLParameters(p);
    }
    return socket;
  }

  /**
   * The server name to send for a host, as the JDK picks one for a URL's host: none for an IP
   * literal or a name it cannot send as SNI (an underscore, an empty label, …), which is then
   * still verified against the certificate; never an exception on the request path.
   */
  static @Nullable SNIHostName serverName(@Nullable String host) {
    if (host == null) {
      return null;
    }
    String h = host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (ConnectionGuard.isIpLiteral(h)) {
      return null;
    }
    try {
      return new SNIHostName(h);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return delegate.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return delegate.getSupportedCipherSuites();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
    return configure(delegate.createSocket(s, host, port, autoClose));
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return configure(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return configure(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return configure(delegate.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SniSocketFactory other && other.delegate == delegate && Objects.equals(other.sni, sni);
  }

  @Override
  public int hashCode() {
    return Objects.hash(System.identityHashCode(delegate), sni);
  }
}
