package dev.mesh4j.okhttp;

import static dev.mesh4j.okhttp.FailureClassifier.Phase.CONNECTING;
import static dev.mesh4j.okhttp.FailureClassifier.Phase.SENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.http.UpstreamFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.UnknownServiceException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import okhttp3.internal.http2.ConnectionShutdownException;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way an OkHttp attempt fails, with the exceptions OkHttp really throws (its HTTP/2 ones
 * included, which the transport recognises without naming them), mapped to the failure the
 * engine answers with (and Envoy's flag).
 */
class FailureClassifierTest {

  static IOException unexpectedEnd() {
    return new IOException("unexpected end of stream on http://10.0.0.1:9080/...", new EOFException("\\n not found"));
  }

  /** failure, phase, HTTP/2, cancelled, connect budget, read budget -> expected. */
  static Stream<Arguments> table() {
    return Stream.of(
        // connecting
        Arguments.of(new ConnectException("Failed to connect to /10.0.0.1:9080"), CONNECTING, false, false, false, false,
            UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new NoRouteToHostException(), CONNECTING, false, false, false, false, UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new SocketTimeoutException("Connect timed out"), CONNECTING, false, false, false, false,
            UpstreamFailure.CONNECT_TIMEOUT),
        Arguments.of(new SocketTimeoutException("Connect timed out"), CONNECTING, false, false, true, false,
            UpstreamFailure.TIMEOUT),
        Arguments.of(new SSLHandshakeException("PKIX path building failed"), CONNECTING, false, false, false, false,
            UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new SocketException("Connection reset"), CONNECTING, false, false, false, false,
            UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(unexpectedEnd(), CONNECTING, false, false, false, false, UpstreamFailure.CONNECT_FAILURE),
        Arguments.of(new ProtocolException("Expected ':status' header not present"), CONNECTING, false, false, false,
            false, UpstreamFailure.PROTOCOL_ERROR),
        // sent, awaiting headers
        Arguments.of(new SocketTimeoutException("timeout"), SENT, false, false, false, true, UpstreamFailure.TIMEOUT),
        Arguments.of(new SocketTimeoutException("Read timed out"), SENT, false, false, false, false,
            UpstreamFailure.RETHROW),
        Arguments.of(unexpectedEnd(), SENT, false, false, false, false, UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new EOFException(), SENT, true, false, false, false, UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new SocketException("Connection reset"), SENT, false, false, false, false,
            UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new SocketException("Broken pipe"), SENT, true, false, false, false,
            UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new SSLException("bad record MAC"), SENT, false, false, false, false,
            UpstreamFailure.CONNECTION_TERMINATION),
        Arguments.of(new ProtocolException("Unexpected status line: HTTP/1.1 abc"), SENT, false, false, false, false,
            UpstreamFailure.PROTOCOL_ERROR),
        Arguments.of(new IOException("wrapped", new ProtocolException("bad frame")), SENT, true, false, false, false,
            UpstreamFailure.PROTOCOL_ERROR),
        Arguments.of(new StreamResetException(ErrorCode.REFUSED_STREAM), SENT, true, false, false, false,
            UpstreamFailure.REMOTE_RESET),
        Arguments.of(new StreamResetException(ErrorCode.CANCEL), SENT, true, false, false, false,
            UpstreamFailure.REMOTE_RESET),
        Arguments.of(new ConnectionShutdownException(), SENT, true, false, false, false, UpstreamFailure.REMOTE_RESET),
        Arguments.of(new IOException("something else"), SENT, false, false, false, false,
            UpstreamFailure.CONNECTION_TERMINATION),
        // the application's own, or nothing sent
        Arguments.of(new ConnectException(), CONNECTING, false, true, false, false, UpstreamFailure.RETHROW),
        Arguments.of(new InterruptedIOException("timeout"), SENT, false, false, false, false, UpstreamFailure.RETHROW),
        Arguments.of(new UnknownHostException("reviews"), CONNECTING, false, false, false, false, UpstreamFailure.RETHROW),
        Arguments.of(new UnknownServiceException("CLEARTEXT communication not enabled"), CONNECTING, false, false,
            false, false, UpstreamFailure.RETHROW),
        Arguments.of(new EgressRefusedException("refused 10.9.9.9:80"), CONNECTING, false, false,
            false, false, UpstreamFailure.RETHROW),
        Arguments.of(Attempt.expired(new SocketException("Socket closed")), SENT, false, false, false, false,
            UpstreamFailure.TIMEOUT));
  }

  @ParameterizedTest(name = "[{index}] {0} {1} h2={2} cancelled={3} -> {6}")
  @MethodSource("table")
  void classifiesByTypeAndPhase(IOException e, FailureClassifier.Phase phase, boolean http2, boolean cancelled,
      boolean connectByBudget, boolean readByBudget, UpstreamFailure expected) {
    assertThat(FailureClassifier.classify(e, phase, http2, cancelled, connectByBudget, readByBudget))
        .isEqualTo(expected);
  }
}
