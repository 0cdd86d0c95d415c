package dev.mesh4j.conformance;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.jdkhttp.MeshJdkHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The suite over the JDK's {@code HttpClient}: clients made by {@link MeshJdkHttp#newClient}. The
 * JDK resolves names through the JVM, not per client: the names a test resolves itself are in
 * the process's hosts file ({@code src/test/resources/hosts}), and a client is made only when
 * they resolve as the test says.
 */
final class JdkHttpTransport implements Transport {

  @Override
  public Client client(Mesh mesh, ClientOptions options) {
    options.hosts().forEach((name, address) -> {
      try {
        String resolved = InetAddress.getByName(name).getHostAddress();
        if (!resolved.equals(address)) {
          throw new IllegalStateException(name + " resolves to " + resolved + ", the test needs " + address
              + ": add it to mesh-jdkhttp/src/test/resources/hosts");
        }
      } catch (UnknownHostException e) {
        throw new IllegalStateException(name + " does not resolve: add it to mesh-jdkhttp/src/test/resources/hosts", e);
      }
    });
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(options.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER);
    if (options.proxy() != null) {
      b.proxy(ProxySelector.of(options.proxy()));
    }
    HttpClient client = MeshJdkHttp.newClient(mesh, b);
    return new Client() {
      @Override
      public Reply call(String method, String url, String... headers) throws IOException {
        try {
          return reply(client.send(request(options, method, url, headers), HttpResponse.BodyHandlers.ofString()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted");
        }
      }

      @Override
      public CompletableFuture<Reply> callAsync(String method, String url, String... headers) {
        return client.sendAsync(request(options, method, url, headers), HttpResponse.BodyHandlers.ofString())
            .thenApply(JdkHttpTransport::reply);
      }
    };
  }

  @Override
  public Class<? extends IOException> callTimeout() {
    return HttpTimeoutException.class;
  }

  private static HttpRequest request(ClientOptions options, String method, String url, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    if (options.callTimeout() != null) {
      b.timeout(options.callTimeout());
    }
    return b.method(method, method.equals("POST") || method.equals("PUT")
        ? HttpRequest.BodyPublishers.ofByteArray(new byte[0]) : HttpRequest.BodyPublishers.noBody()).build();
  }

  private static Reply reply(HttpResponse<String> r) {
    Map<String, List<String>> headers = new TreeMap<>();
    r.headers().map().forEach((n, v) -> headers.merge(n.toLowerCase(Locale.ROOT), List.copyOf(v), (a, c) -> {
      List<String> all = new java.util.ArrayList<>(a);
      all.addAll(c);
      return all;
    }));
    String flags = r.headers().firstValue(LocalReply.FLAGS_HEADER).orElse("");
    return new Reply(r.statusCode(), r.body(), flags, headers);
  }

  @Override
  public String toString() {
    return "JDK HttpClient";
  }
}
