package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Connection and request limits ({@code ConnectionPoolSettings}). Unset limits are Istio's
 * defaults (2^32−1, i.e. unlimited).
 *
 * @param tcp TCP-level settings, or null
 * @param http HTTP-level settings, or null
 */
public record ConnectionPoolSettings(@Nullable Tcp tcp, @Nullable Http http) {

  /** A builder of limits that, until given settings, limits nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these limits. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.tcp = tcp;
    b.http = http;
    return b;
  }

  /** Builds {@link ConnectionPoolSettings}. Setters replace. No validation. Not thread-safe. */
  public static final class Builder {
    private @Nullable Tcp tcp;
    private @Nullable Http http;

    private Builder() {}

    /** Sets the TCP-level settings (Istio {@code tcp}). */
    public Builder tcp(Tcp tcp) {
      this.tcp = requireNonNull(tcp, "tcp");
      return this;
    }

    /** Sets the TCP-level settings, built now (Istio {@code tcp}). */
    public Builder tcp(Tcp.Builder tcp) {
      return tcp(requireNonNull(tcp, "tcp").build());
    }

    /** Sets the HTTP-level settings (Istio {@code http}). */
    public Builder http(Http http) {
      this.http = requireNonNull(http, "http");
      return this;
    }

    /** Sets the HTTP-level settings, built now (Istio {@code http}). */
    public Builder http(Http.Builder http) {
      return http(requireNonNull(http, "http").build());
    }

    /** The limits as set so far. */
    public ConnectionPoolSettings build() {
      return new ConnectionPoolSettings(tcp, http);
    }
  }

  /**
   * TCP settings.
   *
   * @param maxConnections the most connections to all endpoints of the cluster
   * @param connectTimeout the TCP connect timeout (Istio default 10s)
   * @param tcpKeepalivePresent whether {@code tcpKeepalive} was given
   * @param maxConnectionDuration the most time a connection may live
   * @param idleTimeout how long an idle connection is kept
   */
  public record Tcp(
      @Nullable Integer maxConnections,
      @Nullable Duration connectTimeout,
      boolean tcpKeepalivePresent,
      @Nullable Duration maxConnectionDuration,
      @Nullable Duration idleTimeout) {

    /** A builder of TCP settings that, until given some, keep Istio's defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with these settings. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.maxConnections = maxConnections;
      b.connectTimeout = connectTimeout;
      b.tcpKeepalivePresent = tcpKeepalivePresent;
      b.maxConnectionDuration = maxConnectionDuration;
      b.idleTimeout = idleTimeout;
      return b;
    }

    /**
     * Builds {@link Tcp}. Setters replace; as in Istio, a limit of 0 means unset. No validation.
     * Not thread-safe; {@link #build()} may be called again after further changes.
     */
    public static final class Builder {
      private @Nullable Integer maxConnections;
      private @Nullable Duration connectTimeout;
      private boolean tcpKeepalivePresent;
      private @Nullable Duration maxConnectionDuration;
      private @Nullable Duration idleTimeout;

      private Builder() {}

      /**
       * Sets the most connections to all endpoints of the cluster (Istio {@code maxConnections}).
       */
      public Builder maxConnections(int maxConnections) {
        this.maxConnections = Builders.zeroIsUnset(maxConnections);
        return this;
      }

      /** Sets the TCP connect timeout (Istio {@code connectTimeout}); 10s unless set. */
      public Builder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
        return this;
      }

      /** Sets the most time a connection may live (Istio {@code maxConnectionDuration}). */
      public Builder maxConnectionDuration(Duration maxConnectionDuration) {
        this.maxConnectionDuration = requireNonNull(maxConnectionDuration, "maxConnectionDuration");
        return this;
      }

      /** Sets how long an idle connection is kept (Istio {@code idleTimeout}). */
      public Builder idleTimeout(Duration idleTimeout) {
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        return this;
      }

      /** The TCP settings as set so far. */
      public Tcp build() {
        return new Tcp(maxConnections, connectTimeout, tcpKeepalivePresent, maxConnectionDuration,
            idleTimeout);
      }
    }
  }

  /**
   * HTTP settings.
   *
   * @param http1MaxPendingRequests requests that may wait for a connection
   * @param http2MaxRequests the most requests in flight to the cluster
   * @param maxRequestsPerConnection requests per connection before it is closed (0 = unlimited)
   * @param maxRetries the most retries in flight to the cluster
   * @param idleTimeout how long an idle connection is kept
   * @param h2UpgradePolicy whether HTTP/1.1 connections are upgraded to HTTP/2
   * @param useClientProtocol whether the application's protocol is kept
   * @param maxConcurrentStreams the most concurrent streams per HTTP/2 connection
   */
  public record Http(
      @Nullable Integer http1MaxPendingRequests,
      @Nullable Integer http2MaxRequests,
      @Nullable Integer maxRequestsPerConnection,
      @Nullable Integer maxRetries,
      @Nullable Duration idleTimeout,
      @Nullable String h2UpgradePolicy,
      @Nullable Boolean useClientProtocol,
      @Nullable Integer maxConcurrentStreams) {

    /** A builder of HTTP settings that, until given some, keep Istio's defaults. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with these settings. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.http1MaxPendingRequests = http1MaxPendingRequests;
      b.http2MaxRequests = http2MaxRequests;
      b.maxRequestsPerConnection = maxRequestsPerConnection;
      b.maxRetries = maxRetries;
      b.idleTimeout = idleTimeout;
      b.h2UpgradePolicy = h2UpgradePolicy;
      b.useClientProtocol = useClientProtocol;
      b.maxConcurrentStreams = maxConcurrentStreams;
      return b;
    }

    /**
     * Builds {@link Http}. Setters replace; as in Istio, a limit of 0 means unset. No validation.
     * Not thread-safe; {@link #build()} may be called again after further changes.
     */
    public static final class Builder {
      private @Nullable Integer http1MaxPendingRequests;
      private @Nullable Integer http2MaxRequests;
      private @Nullable Integer maxRequestsPerConnection;
      private @Nullable Integer maxRetries;
      private @Nullable Duration idleTimeout;
      private @Nullable String h2UpgradePolicy;
      private @Nullable Boolean useClientProtocol;
      private @Nullable Integer maxConcurrentStreams;

      private Builder() {}

      /**
       * Sets how many requests may wait for a connection (Istio {@code http1MaxPendingRequests}).
       */
      public Builder http1MaxPendingRequests(int http1MaxPendingRequests) {
        this.http1MaxPendingRequests = Builders.zeroIsUnset(http1MaxPendingRequests);
        return this;
      }

      /** Sets the most requests in flight to the cluster (Istio {@code http2MaxRequests}). */
      public Builder http2MaxRequests(int http2MaxRequests) {
        this.http2MaxRequests = Builders.zeroIsUnset(http2MaxRequests);
        return this;
      }

      /**
       * Sets the requests per connection before it is closed (Istio {@code
       * maxRequestsPerConnection}).
       */
      public Builder maxRequestsPerConnection(int maxRequestsPerConnection) {
        this.maxRequestsPerConnection = Builders.zeroIsUnset(maxRequestsPerConnection);
        return this;
      }

      /** Sets the most retries in flight to the cluster (Istio {@code maxRetries}). */
      public Builder maxRetries(int maxRetries) {
        this.maxRetries = Builders.zeroIsUnset(maxRetries);
        return this;
      }

      /** Sets how long an idle connection is kept (Istio {@code idleTimeout}). */
      public Builder idleTimeout(Duration idleTimeout) {
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        return this;
      }

      /**
       * Sets whether HTTP/1.1 connections are upgraded to HTTP/2: {@code DEFAULT},
       * {@code DO_NOT_UPGRADE} or {@code UPGRADE} (Istio {@code h2UpgradePolicy}).
       */
      public Builder h2UpgradePolicy(String h2UpgradePolicy) {
        this.h2UpgradePolicy = requireNonNull(h2UpgradePolicy, "h2UpgradePolicy");
        return this;
      }

      /** Sets whether the application's protocol is kept (Istio {@code useClientProtocol}). */
      public Builder useClientProtocol(boolean useClientProtocol) {
        this.useClientProtocol = useClientProtocol;
        return this;
      }

      /**
       * Sets the most concurrent streams per HTTP/2 connection (Istio {@code
       * maxConcurrentStreams}).
       */
      public Builder maxConcurrentStreams(int maxConcurrentStreams) {
        this.maxConcurrentStreams = Builders.zeroIsUnset(maxConcurrentStreams);
        return this;
      }

      /** The HTTP settings as set so far. */
      public Http build() {
        return new Http(http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection,
            maxRetries, idleTimeout, h2UpgradePolicy, useClientProtocol, maxConcurrentStreams);
      }
    }
  }
}
