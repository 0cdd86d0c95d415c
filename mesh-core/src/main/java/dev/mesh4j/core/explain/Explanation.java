package dev.mesh4j.core.explain;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What mesh4j would do with one request, and why. Immutable.
 *
 * @param request the request, as {@code METHOD scheme://authority/path?query}
 * @param snapshotVersion the configuration version consulted
 * @param service the service the host resolved to (canonical name), or null when unknown
 * @param port the service port addressed
 * @param virtualService the VirtualService claiming the host ({@code namespace/name}), or null
 * @param routes each route considered, in order, with why it did or did not match
 * @param route the route that matched ({@code http[2] (name)} or {@code default}), or null
 * @param candidates the weighted destinations of the matched route
 * @param cluster the chosen cluster, or null
 * @param policies the policies in force for the cluster and route
 * @param endpoints the cluster's endpoints with their state
 * @param outcome what happens: forwarded, passed through, or answered locally
 * @param notes remarks that help understand the outcome (e.g. why no endpoint is ejected)
 */
public record Explanation(
    String request,
    long snapshotVersion,
    @Nullable String service,
    int port,
    @Nullable String virtualService,
    List<RouteCheck> routes,
    @Nullable String route,
    List<Candidate> candidates,
    @Nullable String cluster,
    List<Policy> policies,
    List<EndpointView> endpoints,
    Outcome outcome,
    List<String> notes) {

  public Explanation {
    requireNonNull(request, "request");
    routes = List.copyOf(routes);
    candidates = List.copyOf(candidates);
    policies = List.copyOf(policies);
    endpoints = List.copyOf(endpoints);
    requireNonNull(outcome, "outcome");
    notes = List.copyOf(notes);
  }

  /**
   * A route that was considered.
   *
   * @param route where it is ({@code http[1]}) and its name
   * @param matched whether it matched
   * @param reason the condition that failed, or which match hit
   */
  public record RouteCheck(String route, boolean matched, String reason) {}

  /**
   * A weighted destination.
   *
   * @param destination host, subset and port
   * @param weight its weight
   * @param percent its share of traffic
   * @param picked whether this explanation's pick chose it
   * @param cluster its cluster, or why it has none (503 NC)
   */
  public record Candidate(String destination, int weight, double percent, boolean picked, String cluster) {}

  /**
   * A policy in force.
   *
   * @param name e.g. {@code loadBalancer}, {@code timeout}, {@code retries}, {@code fault}
   * @param value its effective value, defaults included
   */
  public record Policy(String name, String value) {}

  /**
   * An endpoint of the chosen cluster.
   *
   * @param address {@code ip:port}
   * @param labels its labels
   * @param weight its weight
   * @param healthy whether it can be picked
   * @param activeRequests requests in flight to it now
   */
  public record EndpointView(String address, String labels, int weight, boolean healthy, int activeRequests) {}

  /**
   * The outcome.
   *
   * @param kind {@code FORWARD}, {@code PASSTHROUGH} or {@code LOCAL_REPLY}
   * @param status the status of a local reply (0 otherwise)
   * @param flags the Envoy response flags of a local reply
   * @param body the body of a local reply
   * @param detail a sentence saying what happens
   */
  public record Outcome(Kind kind, int status, String flags, String body, String detail) {
    /** Outcome kinds. */
    public enum Kind {
      FORWARD,
      PASSTHROUGH,
      LOCAL_REPLY
    }
  }

  /** A text rendering in the spirit of {@code istioctl x describe}. */
  @Override
  public String toString() {
    return ExplanationText.render(this);
  }

  /** A JSON rendering of every field. */
  public String toJson() {
    return ExplanationText.json(this);
  }
}
