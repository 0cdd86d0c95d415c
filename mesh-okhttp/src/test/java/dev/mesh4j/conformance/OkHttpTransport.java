package dev.mesh4j.conformance;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** The suite over OkHttp: clients made by {@link MeshOkHttp#install}. */
final class OkHttpTransport implements Transport {

  @Override
  public Client client(Mesh mesh, ClientOptions options) {
    OkHttpClient.Builder b = new OkHttpClient.Builder().followRedirects(options.followRedirects());
    if (options.callTimeout() != null) {
      b.callTimeout(options.callTimeout());
    }
    if (options.proxy() != null) {
      b.proxy(new Proxy(Proxy.Type.HTTP, options.proxy()));
    }
    if (!options.hosts().isEmpty()) {
      Map<String, String> hosts = options.hosts();
      b.dns(host -> {
        String a = hosts.get(host);
        if (a == null) {
          throw new UnknownHostException(host + " (not in the test's DNS)");
        }
        return List.of(InetAddress.getByName(a));
      });
    }
    OkHttpClient client = MeshOkHttp.install(mesh, b).build();
    return new Client() {
      @Override
      public Reply call(String method, String url, String... headers) throws IOException {
        try (Response r = client.newCall(request(method, url, headers)).execute()) {
          return reply(r);
        }
      }

      @Override
      public CompletableFuture<Reply> callAsync(String method, String url, String... headers) {
        CompletableFuture<Reply> result = new CompletableFuture<>();
        client.newCall(request(method, url, headers)).enqueue(new Callback() {
          @Override
          public void onFailure(Call call, IOException e) {
            result.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call call, Response response) throws IOException {
            try (response) {
              result.complete(reply(response));
            }
          }
        });
        return result;
      }
    };
  }

  @Override
  public Class<? extends IOException> callTimeout() {
    return InterruptedIOException.class;
  }

  private static Request request(String method, String url, String... headers) {
    Request.Builder b = new Request.Builder().url(url);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.method(method, method.equals("POST") || method.equals("PUT") ? RequestBody.create(new byte[0]) : null)
        .build();
  }

  private static Reply reply(Response r) throws IOException {
    String flags = r.header(LocalReply.FLAGS_HEADER);
    return new Reply(r.code(), r.body().string(), flags == null ? "" : flags, r.headers().toMultimap());
  }

  @Override
  public String toString() {
    return "OkHttp";
  }
}
