package dev.mesh4j.jdkhttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;

/**
 * The two properties of the JDK's HTTP client the transport depends on. The JDK reads each once,
 * when the class that holds it initialises, and never again:
 *
 * <ul>
 *   <li>{@value #ALLOW_RESTRICTED_HEADERS} must name {@code host}: without it the JDK refuses a
 *       {@code Host} header, and a request sent to an endpoint's address would carry that address
 *       as its authority instead of the logical host — breaking virtual hosting at the peer. Read
 *       when the client's common classes initialise (the first {@code HttpRequest.newBuilder()},
 *       {@code HttpClient.Builder.sslParameters(...)} or client built in the process).
 *   <li>{@value #DISABLE_RETRY_CONNECT}: unless set, the JDK connects a second time, below the
 *       mesh, when a connection is refused. Read when the first request is sent.
 * </ul>
 *
 * <p>This class sets both when the process has not set them (appending {@code host} to an
 * existing list) before anything else of the transport runs, and then checks that a {@code Host}
 * header is accepted. When the JDK's client was initialised earlier, the check fails and
 * {@code MeshJdkHttp} refuses to make a client, naming the flags to start the JVM with. An
 * explicit {@value #DISABLE_RETRY_CONNECT}{@code =false} is respected.
 */
final class JdkProperties {
  static final String ALLOW_RESTRICTED_HEADERS = "jdk.httpclient.allowRestrictedHeaders";
  static final String DISABLE_RETRY_CONNECT = "jdk.httpclient.disableRetryConnect";

  /** Whether requests may carry a {@code Host} header in this process. */
  static final boolean HOST_ALLOWED;

  static {
    try {
      String allowed = System.getProperty(ALLOW_RESTRICTED_HEADERS);
      if (allowed == null || allowed.isBlank()) {
        System.setProperty(ALLOW_RESTRICTED_HEADERS, "host");
      } else if (!names(allowed, "host")) {
        // The JDK splits on "," without trimming: no space before the name.
        System.setProperty(ALLOW_RESTRICTED_HEADERS, allowed.trim() + ",host");
      }
      if (System.getProperty(DISABLE_RETRY_CONNECT) == null) {
        System.setProperty(DISABLE_RETRY_CONNECT, "true");
      }
    } catch (SecurityException e) {
      // Not ours to set: the check below tells whether the process allows it.
    }
    HOST_ALLOWED = hostAccepted();
  }

  private JdkProperties() {}

  /** Sets the properties, if that has not happened yet (class initialisation does it). */
  static void init() {
    // Initialising this class is the work.
  }

  private static boolean names(String list, String name) {
    for (String token : list.trim().split(",")) {
      if (token.toLowerCase(Locale.ROOT).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hostAccepted() {
    try {
      HttpRequest.newBuilder(URI.create("http://mesh4j.invalid/")).header("Host", "mesh4j.invalid");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Fails unless requests may carry a {@code Host} header. */
  static void requireHostAllowed() {
    if (!HOST_ALLOWED) {
      throw new IllegalStateException("mesh4j cannot send the logical Host header with the JDK's HttpClient: the "
          + "JDK's HTTP client classes were initialised before mesh4j could allow it. Start the JVM with "
          + "-D" + ALLOW_RESTRICTED_HEADERS + "=host -D" + DISABLE_RETRY_CONNECT + "=true, or create the first "
          + "MeshJdkHttp client before any other use of java.net.http (an HttpRequest.newBuilder(), "
          + "HttpClient.Builder.sslParameters(...) or HttpClient built earlier initialises them)");
    }
  }
}
