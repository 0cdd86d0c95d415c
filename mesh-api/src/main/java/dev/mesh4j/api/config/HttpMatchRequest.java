package dev.mesh4j.api.config;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code match} entry of an HTTP route: every set field must hold (AND).
 *
 * @param name optional name, kept for explain output and logs
 * @param uri the path without the query string
 * @param scheme the URI scheme
 * @param method the HTTP method
 * @param authority the {@code Host}/authority, host[:port]
 * @param headers lower-cased header name to match; several values of one header are joined with
 *     {@code ","} first
 * @param withoutHeaders the same form, inverted; a missing header counts as empty
 * @param queryParams query parameter name to match
 * @param ignoreUriCase whether {@code uri} exact and prefix compare case-insensitively
 * @param port the port the client addressed
 * @param sourceLabels labels the calling workload must carry
 * @param gateways the gateways the calling workload must act as
 * @param sourceNamespace the namespace the calling workload must be in
 */
public record HttpMatchRequest(
    @Nullable String name,
    @Nullable StringMatch uri,
    @Nullable StringMatch scheme,
    @Nullable StringMatch method,
    @Nullable StringMatch authority,
    Map<String, StringMatch> headers,
    Map<String, StringMatch> withoutHeaders,
    Map<String, StringMatch> queryParams,
    boolean ignoreUriCase,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public HttpMatchRequest {
    headers = Copies.map(headers);
    withoutHeaders = Copies.map(withoutHeaders);
    queryParams = Copies.map(queryParams);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }
}
