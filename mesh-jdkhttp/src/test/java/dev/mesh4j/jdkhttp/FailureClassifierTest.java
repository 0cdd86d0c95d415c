package dev.mesh4j.jdkhttp;

import static dev.mesh4j.jdkhttp.FailureClassifier.Limit.APPLICATION;
import static dev.mesh4j.jdkhttp.FailureClassifier.Limit.BUDGET;
import static dev.mesh4j.jdkhttp.FailureClassifier.Limit.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.http.UpstreamFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a JDK {@code HttpClient} attempt fails, mapped to the failure the engine answers with
 * (and Envoy's flag): first with what the JDK really throws against hostile peers on loopback
 * (refusing, silent, resetting, closing, speaking garbage), then the rest of the table with the
 * exception types the JDK documents.
 */
class FailureClassifierTest {
  static {
    JdkProperties.init();
  }

  /** A peer on loopback, and the failure the JDK's client meets there. */
  enum Peer {
    /** Nothing listens: connection refused. */
    REFUSED(UpstreamFailure.CONNECT_FAILURE),
    /** The accept queue is full: the connect is never answered, and the cluster's connect timeout fires. */
    UNANSWERED_CONNECT(UpstreamFailure.CONNECT_TIMEOUT),
    /** https to a peer that answers the handshake in plain text: the TLS handshake fails. */
    TLS_HANDSHAKE(UpstreamFailure.CONNECT_FAILURE),
    /** Reads the request, then resets the connection (RST) before any response. */
    RESET_BEFORE_HEADERS(UpstreamFailure.CONNECTION_TERMINATION),
    /** Reads the request, then closes the connection (FIN) before any response. */
    EOF_BEFORE_HEADERS(UpstreamFailure.CONNECTION_TERMINATION),
    /** Answers with a line that is no HTTP status line. */
    PROTOCOL_ERROR(UpstreamFailure.PROTOCOL_ERROR),
    /** Reads the request and never answers: the attempt's budget, as the request timeout, fires. */
    SILENT(UpstreamFailure.TIMEOUT);

    final UpstreamFailure expected;

    Peer(UpstreamFailure expected) {
      this.expected = expected;
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void classifiesWhatTheJdkThrowsAgainstHostilePeers(Peer peer) throws Exception {
    IOException failure = failureAgainst(peer);
    assertThat(FailureClassifier.classify(failure, false, false, CLUSTER, peer == Peer.SILENT ? BUDGET : CLUSTER))
        .as("%s (%s)", peer, failure).isEqualTo(peer.expected);
  }

  /** Sends one request with a plain JDK client to the peer and returns how it failed, as the transport sees it. */
  static IOException failureAgainst(Peer peer) throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, peer == Peer.UNANSWERED_CONNECT ? 1 : 50,
        InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      String scheme = "http";
      switch (peer) {
        case REFUSED -> server.close();
        case UNANSWERED_CONNECT -> {
          // Fill the accept queue (nothing accepts): further connects get no answer.
          for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            held.add(s);
            try {
              s.connect(server.getLocalSocketAddress(), 200);
            } catch (IOException e) {
              break;
            }
          }
        }
        case TLS_HANDSHAKE -> {
          scheme = "https";
          answer(server, (in, out, s) -> {
            in.read(new byte[512]);
            out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
          });
        }
        case RESET_BEFORE_HEADERS -> answer(server, (in, out, s) -> {
          readHead(in);
          s.setSoLinger(true, 0);
        });
        case EOF_BEFORE_HEADERS -> answer(server, (in, out, s) -> readHead(in));
        case PROTOCOL_ERROR -> answer(server, (in, out, s) -> {
          readHead(in);
          out.write("NOT-HTTP garbage\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        });
        case SILENT -> answer(server, (in, out, s) -> {
          readHead(in);
          in.read();  // until the client gives up
        });
      }
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + "/"));
      if (peer == Peer.SILENT) {
        request.timeout(Duration.ofMillis(300));
      }
      try {
        HttpResponse<String> r = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
            .get(30, TimeUnit.SECONDS);
        throw new AssertionError(peer + " answered " + r.statusCode());
      } catch (ExecutionException e) {
        return JdkExchange.failure(e.getCause());
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  interface Handler {
    void handle(InputStream in, OutputStream out, Socket socket) throws IOException;
  }

  /**
   * Accepts connections on a daemon thread and hands each to the handler, then closes it: every
   * connection, as the JDK resends an idempotent request once on a new connection when the first
   * closes before any response byte.
   */
  static void answer(ServerSocket server, Handler handler) {
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          handler.handle(s.getInputStream(), s.getOutputStream(), s);
        } catch (IOException e) {
          // the peer's side of a failure, or the server closed: nothing to report
        }
      }
    }, "hostile-peer");
    t.setDaemon(true);
    t.start();
  }

  /** Reads a request head (up to the blank line). */
  static void readHead(InputStream in) throws IOException {
    int state = 0;
    int b;
    while (state < 4 && (b = in.read()) != -1) {
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
  }

  /** failure, HTTP/2, cancelled, connect limit, request limit -> expected. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(new ConnectException("Connection refused"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.CONNECT_TIMEOUT),
        Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), false, false, BUDGET, BUDGET,
            UpstreamFailure.TIMEOUT),
        Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), false, false, APPLICATION, APPLICATION,
            UpstreamFailure.RETHROW),
        Arguments.of(new SSLHandshakeException("PKIX path building failed"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new HttpTimeoutException("request timed out"), false, false, CLUSTER, BUDGET,
            UpstreamFailure.TIMEOUT),
        Arguments.of(new HttpTimeoutException("request timed out"), false, false, CLUSTER, APPLICATION,
            UpstreamFailure.RETHROW),
        Arguments.of(new Deadlines.AttemptTimeoutException("deadline"), false, false, CLUSTER, BUDGET,
            UpstreamFailure.TIMEOUT),
        Arguments.of(new EOFException("EOF reached while reading"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new IOException("connection reset", new SocketException("Connection reset")), false, false,
            CLUSTER, CLUSTER, UpstreamFailure.CONNECTION_TERMINATION),
        // no phase for TLS errors: the handshake's, as nearly all are
        Arguments.of(new SSLException("Unrecognized SSL message, plaintext connection?"), false, false, CLUSTER,
            CLUSTER, UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new ProtocolException("Invalid status line"), true, false, CLUSTER, CLUSTER,
            UpstreamFailure.PROTOCOL_ERROR),
        // HTTP/2: RST_STREAM and GOAWAY reach the application as plain IOExceptions.
        Arguments.of(new IOException("Received RST_STREAM: Stream cancelled"), true, false, CLUSTER, CLUSTER,
            UpstreamFailure.REMOTE_RESET),
        Arguments.of(new IOException("something else"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.CONNECTION_TERMINATION),
        // the application's own
        Arguments.of(new ConnectException("Connection refused"), false, true, CLUSTER, CLUSTER,
            UpstreamFailure.RETHROW),
        Arguments.of(new InterruptedIOException("the request was cancelled"), false, false, CLUSTER, CLUSTER,
            UpstreamFailure.RETHROW),
        // a name the application resolves itself (passthrough) that does not resolve, as the JDK reports it
        Arguments.of(unresolved(), false, false, CLUSTER, CLUSTER, UpstreamFailure.RETHROW));
  }

  static ConnectException unresolved() {
    ConnectException e = new ConnectException();
    e.initCause(new java.nio.channels.UnresolvedAddressException());
    return e;
  }

  @ParameterizedTest(name = "[{index}] {0} h2={1} cancelled={2} -> {5}")
  @MethodSource("table")
  void classifiesByType(IOException e, boolean http2, boolean cancelled, FailureClassifier.Limit connect,
      FailureClassifier.Limit request, UpstreamFailure expected) {
    assertThat(FailureClassifier.classify(e, http2, cancelled, connect, request)).isEqualTo(expected);
  }
}
