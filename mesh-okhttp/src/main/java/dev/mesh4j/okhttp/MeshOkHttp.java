package dev.mesh4j.okhttp;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.ContextSnapshot;
import dev.mesh4j.core.context.MeshContext;
import java.io.IOException;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * Puts a {@link Mesh} into OkHttp clients.
 *
 * <pre>{@code
 * OkHttpClient client = MeshOkHttp.newClient(mesh);
 * // or, keeping your own settings:
 * OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(3))).build();
 * }</pre>
 *
 * <p>Every call of such a client ({@code execute()} and {@code enqueue()}) goes through the
 * mesh: the URL names the logical service ({@code http://reviews:9080/reviews/1}); the request
 * is sent to the endpoint mesh4j picks, with the logical {@code Host} kept; responses mesh4j
 * makes itself carry the header {@code x-mesh4j-flags} with Envoy's response flags. Cookies of
 * the client's {@code CookieJar} stay keyed by the logical URL.
 *
 * <p>The mesh is installed as the last application interceptor, so the application's own
 * interceptors see the logical request (install it after adding them; interceptors added later
 * run below the mesh and see the request it sends to the endpoint). Redirects (from upstreams or
 * from VirtualService {@code redirect} routes) are followed as the client's
 * {@code followRedirects} and {@code followSslRedirects} settings say when the call is made, and
 * authentication challenges as its {@code authenticator} says, each hop through the mesh again.
 * Retries are the mesh's alone: OkHttp's own resends ({@code retryOnConnectionFailure}, 408,
 * 503 with {@code Retry-After: 0}) are off for requests to endpoints the mesh picks. Every
 * connection of the client is kept to the address the mesh chose for its request, whatever else
 * runs below the mesh. Thread-safe.
 *
 * <p>The current {@link MeshContext} (the inbound request's id, trace, baggage and user headers)
 * goes with every call: {@code execute()} runs on the caller's thread; for {@code enqueue()} the
 * context current at {@code enqueue()} is captured into the call and applied on OkHttp's
 * dispatcher thread. The application's own callback runs outside it unless wrapped with
 * {@link #inContext(Callback)}. (Set the client's event listener before installing the mesh:
 * the mesh wraps it to capture the context.)
 */
public final class MeshOkHttp {
  private MeshOkHttp() {}

  /** A new client with OkHttp's defaults and the mesh installed. */
  public static OkHttpClient newClient(Mesh mesh) {
    // From a built client, whose builder carries its TLS socket factory and trust manager: a fresh
    // builder would read the platform trust store and set up a TLS context once more for the
    // installed client than for the settings install() reads.
    return install(mesh, new OkHttpClient().newBuilder()).build();
  }

  /**
   * Installs the mesh into a builder and returns the builder. Mirrored requests are sent by a
   * client with the builder's settings as they are at this call (never following redirects,
   * answering challenges or resending).
   */
  public static OkHttpClient.Builder install(Mesh mesh, OkHttpClient.Builder builder) {
    requireNonNull(mesh, "mesh");
    requireNonNull(builder, "builder");
    OkHttpClient settings = builder.build();
    TlsContexts tls = new TlsContexts(mesh.ticker());
    ConnectionReuse reuse = new ConnectionReuse();
    MeshNetworkInterceptor network = new MeshNetworkInterceptor();
    // A mirrored copy goes out once, to the mirror's endpoint, and its answer is discarded.
    OkHttpClient mirrorClient = settings.newBuilder()
        .followRedirects(false)
        .retryOnConnectionFailure(false)
        .authenticator(Authenticator.NONE)
        .addInterceptor(new OkHttpExchange.MirrorInterceptor(tls, reuse))
        .addNetworkInterceptor(network)
        .build();
    EventListener.Factory listeners = settings.eventListenerFactory();
    return builder
        // A call starts (execute() or enqueue()) on the caller's thread: the moment to capture the
        // caller's context for an enqueue()d call, whose interceptors run on another thread.
        .eventListenerFactory(new ContextCapturingFactory(listeners))
        .addInterceptor(new MeshInterceptor(mesh, mirrorClient, tls, reuse))
        // Records attempts' connections, counts requests per connection and keeps OkHttp's
        // follow-up step from resending meshed requests (see MeshNetworkInterceptor).
        .addNetworkInterceptor(network);
  }

  /**
   * A callback that runs with the context current now (at this call), so that calls it makes
   * carry that context too: {@code client.newCall(request).enqueue(MeshOkHttp.inContext(callback))}.
   */
  public static Callback inContext(Callback callback) {
    requireNonNull(callback, "callback");
    ContextSnapshot snapshot = ContextSnapshot.capture();
    if (snapshot == null) {
      return callback;
    }
    return new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        try (MeshContext.Scope scope = snapshot.attachIfDetached()) {
          callback.onFailure(call, e);
        }
      }

      @Override
      public void onResponse(Call call, Response response) throws IOException {
        try (MeshContext.Scope scope = snapshot.attachIfDetached()) {
          callback.onResponse(call, response);
        }
      }
    };
  }

  /**
   * Gives each call a listener that captures the caller's context when the call starts, then the
   * application's own listener. ({@code callStart} runs on the caller's thread for
   * {@code execute()} and {@code enqueue()} alike; the factory itself runs too early in
   * {@code newCall()} to tag the call.)
   */
  private record ContextCapturingFactory(EventListener.Factory delegate) implements EventListener.Factory {
    @Override
    public EventListener create(Call call) {
      EventListener own = delegate.create(call);
      return own == EventListener.NONE ? ContextCapture.INSTANCE : ContextCapture.INSTANCE.plus(own);
    }
  }

  /** Attaches the context current at call start to the call, for its interceptors on another thread. */
  private static final class ContextCapture extends EventListener {
    static final ContextCapture INSTANCE = new ContextCapture();

    @Override
    public void callStart(Call call) {
      ContextSnapshot snapshot = ContextSnapshot.capture();
      if (snapshot != null) {
        call.tag(ContextSnapshot.class, () -> snapshot);
      }
    }
  }
}
