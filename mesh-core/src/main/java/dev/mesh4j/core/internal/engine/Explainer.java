package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.explain.Explanation.Candidate;
import dev.mesh4j.core.explain.Explanation.EndpointView;
import dev.mesh4j.core.explain.Explanation.Outcome;
import dev.mesh4j.core.explain.Explanation.Policy;
import dev.mesh4j.core.explain.Explanation.RouteCheck;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.common.Durations;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.core.internal.identity.IdentityState;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.routing.Condition;
import dev.mesh4j.core.internal.routing.RouteAction;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Builds {@link Explanation}s by running routing with a record of every decision. */
public final class Explainer {
  private final RandomSource random;
  private final IdentityState identities;

  public Explainer(RandomSource random, IdentityState identities) {
    this.random = random;
    this.identities = identities;
  }

  public Explanation explain(MeshSnapshot snapshot, MeshRequest request) {
    RouteResult result = Router.route(snapshot, request);
    // Request data, shown escaped and cut: an explanation is printed and logged.
    String req = Quoting.escape(request.method()) + " " + Quoting.escape(request.scheme()) + "://"
        + Quoting.escape(request.authority()) + Quoting.escape(request.path())
        + (request.rawQuery() == null ? "" : "?" + Quoting.escape(request.rawQuery()));
    String service = result.host().service() == null ? null : result.host().service().hostname();
    CompiledVirtualService vs = result.virtualService();
    boolean connection = result.match() != null && result.match().route().isConnection();
    List<RouteCheck> checks = vs == null ? List.of()
        : connection ? connectionChecks(vs, result.match()) : checks(vs, request, result.port());
    String vsName = vs == null ? null : vs.config().metadata().qualifiedName();
    List<String> notes = new ArrayList<>();
    switch (result.outcome()) {
      case BLACKHOLE:
        notes.add("the outbound traffic policy is REGISTRY_ONLY and " + Quoting.escape(request.host())
            + " is not a known service on port " + result.port() + "; nothing leaves the process");
        return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, null,
            List.of(), null, List.of(), List.of(), local(LocalReplies.BLACKHOLE, "answered locally (BlackHoleCluster)"), notes);
      case NO_ROUTE:
        if (vs == null) {
          notes.add("no VirtualService bound to the gateways this workload acts as claims "
              + Quoting.escape(request.host()) + "; a gateway forwards nothing else");
        }
        return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, null,
            List.of(), null, List.of(), List.of(), local(LocalReplies.NO_ROUTE, "no route matched"), notes);
      case PASSTHROUGH:
        notes.add(service == null
            ? "unknown host under ALLOW_ANY: sent as is (PassthroughCluster)"
            : "port " + result.port() + " of " + service + " is a TLS port and this connection is not the service's"
                + " (a plain http request, which sends no server name, or one no tls route of its VirtualService"
                + " names): sent as is to the address named");
        return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, null,
            List.of(), null, List.of(), List.of(),
            new Outcome(Outcome.Kind.PASSTHROUGH, 0, "", "", "sent to " + Quoting.escape(request.authority()) + " as the application named it"),
            notes);
      default:
        return routed(snapshot, request, result, req, service, vsName, checks, notes);
    }
  }

  private Explanation routed(MeshSnapshot snapshot, MeshRequest request, RouteResult result, String req,
      @Nullable String service, @Nullable String vsName, List<RouteCheck> checks, List<String> notes) {
    CompiledMatch match = result.match();
    CompiledRoute route = match.route();
    String routeName = route.toString();
    RouteAction action = route.action();
    List<Policy> policies = new ArrayList<>();
    routePolicies(route, policies);
    if (action instanceof RouteAction.Redirect r) {
      LocalReply reply = LocalReplies.redirect(r.redirect(), request, match);
      return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, routeName,
          List.of(), null, policies, List.of(),
          local(reply, "redirect to " + Quoting.escape(reply.headers().get("location"))), notes);
    }
    if (action instanceof RouteAction.Direct d) {
      return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, routeName,
          List.of(), null, policies, List.of(), local(LocalReplies.direct(d.response()), "direct response"), notes);
    }
    RouteAction.Forward f = (RouteAction.Forward) action;
    CompiledDestination picked = f.pick(random.nextLong());
    List<Candidate> candidates = new ArrayList<>();
    for (CompiledDestination d : f.destinations()) {
      Cluster c = d.cluster(snapshot.clusterTable(), result.port());
      double pct = f.totalWeight() == 0 ? 0 : 100.0 * d.weight() / f.totalWeight();
      candidates.add(new Candidate(d.toString(), d.weight(), pct, d == picked,
          c != null ? c.name() : "no cluster: " + d.missing()));
    }
    Cluster cluster = picked.cluster(snapshot.clusterTable(), result.port());
    if (cluster == null) {
      return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, routeName,
          candidates, null, policies, List.of(), local(LocalReplies.NO_CLUSTER, "cluster not found"), notes);
    }
    clusterPolicies(cluster, policies, notes);
    tls(cluster, request.scheme(), policies, notes);
    if (request.scheme().equals("https") && cluster.tls() == null && cluster.failure() == null
        && !cluster.isPassthrough()) {
      notes.add("https request: the application's own TLS goes to the endpoint, verified as " + request.host());
    }
    List<EndpointView> endpoints = new ArrayList<>();
    boolean anyHealthy = false;
    if (cluster.loadBalancer() != null) {
      for (UpstreamHost h : cluster.loadBalancer().hosts()) {
        endpoints.add(new EndpointView(h.endpoint().hostPort(), h.endpoint().labels().toString(),
            h.weight(), h.isHealthy(), h.state().activeRequests()));
        anyHealthy |= h.isHealthy();
      }
    }
    HttpFaultInjection fault = route.config().fault();
    Outcome outcome;
    if (cluster.failure() != null) {
      outcome = local(LocalReplies.clusterFailure(cluster.failure()), "every request to this cluster fails");
    } else if (Origination.needsIdentity(cluster.tls()) && identities.identity() == null) {
      outcome = local(LocalReplies.noIdentity(cluster.name(), identities.whyNone()),
          "fails closed: ISTIO_MUTUAL without a workload identity");
    } else if (cluster.isPassthrough()) {
      outcome = new Outcome(Outcome.Kind.PASSTHROUGH, 0, "", "", "sent to the address the application named");
    } else if (!anyHealthy) {
      outcome = local(LocalReplies.NO_HEALTHY_UPSTREAM, "no healthy endpoint");
    } else {
      outcome = new Outcome(Outcome.Kind.FORWARD, 0, "", "", "forwarded to an endpoint of " + cluster.name()
          + " by " + cluster.loadBalancer().name()
          + (route.rewritePath(request.path(), match).equals(request.path()) ? ""
              : ", path rewritten to " + route.rewritePath(request.path(), match)));
    }
    if (fault != null && fault.abort() != null && fault.abort().percentage() > 0) {
      notes.add(String.format(Locale.ROOT, "%.4g%% of requests are aborted with %s (FI) before this",
          fault.abort().percentage(), fault.abort().httpStatus() != null ? fault.abort().httpStatus() : fault.abort().grpcStatus()));
    }
    return new Explanation(req, snapshot.version(), service, result.port(), vsName, checks, routeName,
        candidates, cluster.name(), policies, endpoints, outcome, notes);
  }

  /**
   * The {@code tls} and {@code tcp} routes of a connection: the one taken, the others not (a
   * connection takes the most specific server name or subnet, not the first route that holds).
   */
  private static List<RouteCheck> connectionChecks(CompiledVirtualService vs, CompiledMatch hit) {
    List<RouteCheck> out = new ArrayList<>();
    for (CompiledRoute r : vs.connections().routes()) {
      boolean taken = r == hit.route();
      out.add(new RouteCheck(r.label(), taken, taken ? (hit.index() < 0 ? "no match: every connection"
          : "match[" + hit.index() + "] names the connection most specifically") : "not taken"));
    }
    return out;
  }

  private static List<RouteCheck> checks(CompiledVirtualService vs, MeshRequest request, int port) {
    List<RouteCheck> out = new ArrayList<>();
    boolean found = false;
    for (CompiledRoute r : vs.routes()) {
      String label = r.label() + (r.name() == null ? "" : " (" + Quoting.escape(r.name()) + ")");
      if (found) {
        out.add(new RouteCheck(label, false, "not evaluated (an earlier route matched)"));
        continue;
      }
      StringBuilder why = new StringBuilder();
      CompiledMatch hit = null;
      for (CompiledMatch m : r.matches()) {
        Condition failing = m.firstFailing(request, port);
        if (failing == null) {
          hit = m;
          break;
        }
        if (why.length() > 0) {
          why.append("; ");
        }
        why.append(m.index() < 0 ? "" : "match[" + m.index() + "] ")
            .append(failing.describe()).append(", got ").append(failing.actual(request, port));
      }
      if (hit != null) {
        found = true;
        StringBuilder held = new StringBuilder();
        for (Condition c : hit.conditions()) {
          held.append(held.length() == 0 ? "" : ", ").append(c.describe());
        }
        out.add(new RouteCheck(label, true, hit.index() < 0
            ? "no match conditions: matches every request"
            : "match[" + hit.index() + "]" + (hit.name() == null ? "" : " (" + Quoting.escape(hit.name()) + ")")
                + " holds" + (held.length() == 0 ? "" : ": " + held)));
      } else {
        out.add(new RouteCheck(label, false, why.toString()));
      }
    }
    return out;
  }

  private static void routePolicies(CompiledRoute route, List<Policy> out) {
    var c = route.config();
    out.add(new Policy("timeout", c.timeout() == null ? "none (Istio default)" : Durations.format(c.timeout())));
    out.add(new Policy("retries", (c.retries() == null ? "Istio default: " : "") + route.retryPolicy()));
    HttpFaultInjection f = c.fault();
    if (f != null) {
      out.add(new Policy("fault", PolicyText.fault(f)));
    }
    if (!route.mirrors().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (CompiledRoute.Mirror m : route.mirrors()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(m.destination()).append(
            String.format(Locale.ROOT, " (%.4g%%)", m.perMillion() / 10_000.0));
      }
      out.add(new Policy("mirror", sb.toString()));
    }
  }

  private static void clusterPolicies(Cluster cluster, List<Policy> out, List<String> notes) {
    TrafficPolicy p = cluster.policy();
    if (cluster.rule() != null) {
      out.add(new Policy("destinationRule", cluster.rule().metadata().qualifiedName()));
    }
    LoadBalancerSettings lb = p.loadBalancer();
    out.add(new Policy("loadBalancer", cluster.loadBalancer() == null ? "PASSTHROUGH"
        : cluster.loadBalancer().name() + (lb == null ? " (Istio default)" : "")));
    ConnectionLimiter limiter = cluster.resilience().limiter();
    if (p.connectionPool() != null) {
      ConnectionLimiter.Stats now = limiter.stats();
      var pool = p.connectionPool();
      StringBuilder sb = new StringBuilder(limiter.limits().toString());
      if (pool.tcp() != null && pool.tcp().connectTimeout() != null) {
        sb.append(", connectTimeout ").append(Durations.format(pool.tcp().connectTimeout()));
      }
      if (pool.http() != null && pool.http().maxRequestsPerConnection() != null) {
        sb.append(", maxRequestsPerConnection ").append(pool.http().maxRequestsPerConnection());
      }
      if (pool.http() != null && pool.http().idleTimeout() != null) {
        sb.append(", idleTimeout ").append(Durations.format(pool.http().idleTimeout()));
      }
      sb.append(" (now ").append(now.active()).append(" active, ").append(now.pending()).append(" waiting, ")
          .append(now.retries()).append(" retrying)");
      out.add(new Policy("connectionPool", sb.toString()));
    }
    ConnectionLimiter.Budget budget = limiter.limits().retryBudget();
    if (budget != null) {
      ConnectionLimiter.Stats now = limiter.stats();
      int requests = now.active() + now.pending();
      out.add(new Policy("retryBudget", budget + " (now " + now.retries() + " retrying, at most "
          + budget.limit(requests) + " for " + requests + " requests in flight or waiting)"));
    }
    OutlierDetector detector = cluster.resilience().outlierDetector();
    if (detector != null) {
      out.add(new Policy("outlierDetection", detector.settings().toString()));
      int n = cluster.loadBalancer() == null ? 0 : cluster.loadBalancer().hosts().size();
      if (n > 0 && detector.settings().maxEjectable(n) == 0) {
        notes.add("maxEjectionPercent " + detector.settings().maxEjectionPercent() + " with " + n
            + " endpoints: ejecting even one endpoint would exceed it, so no endpoint will ever be"
            + " ejected; set maxEjectionPercent explicitly");
      }
      for (OutlierDetector.HostStatus h : detector.hosts()) {
        if (h.ejected()) {
          String when = h.remaining().isZero() ? "until the next sweep"
              : "for " + Durations.format(h.remaining()) + " more";
          notes.add(h.hostPort() + " is ejected " + when + " (ejection " + h.ejections() + ", time multiplier "
              + h.multiplier() + ")");
        }
      }
    }
  }

  /** The TLS the cluster originates, per endpoint for auto mTLS, and whether the identity is there. */
  private void tls(Cluster cluster, String scheme, List<Policy> out, List<String> notes) {
    WorkloadIdentity identity = identities.identity();
    String as = identity == null ? "" : " as " + (identity.spiffeId() != null ? identity.spiffeId() : identity)
        + " (certificate valid until " + identity.notAfter() + ")";
    ClientTlsSettings tls = cluster.tls();
    ClientTlsSettings auto = cluster.autoMtls();
    if (cluster.failure() != null) {
      out.add(new Policy("tls", "ISTIO_MUTUAL (no workload identity)"));
    } else if (tls != null && tls.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL) {
      out.add(new Policy("tls", "ISTIO_MUTUAL" + as + ", the server verified against the mesh roots"
          + expected(tls)));
      if (identity == null) {
        notes.add("mutual TLS needs the workload identity, and " + identities.whyNone());
      }
    } else if (tls != null) {
      out.add(new Policy("tls", tls.mode().name()));
    } else if (auto != null && cluster.loadBalancer() != null) {
      int istio = 0;
      int all = 0;
      for (UpstreamHost h : cluster.loadBalancer().hosts()) {
        all++;
        if (h.istioTlsMode()) {
          istio++;
        }
      }
      out.add(new Policy("tls", "auto mTLS: " + istio + " of " + all + " endpoints labelled "
          + UpstreamHost.TLS_MODE_LABEL + ": istio get ISTIO_MUTUAL" + as + expected(auto)
          + ", the others plain text"));
      if (!scheme.equals("http")) {
        notes.add("auto mTLS applies to http requests; this " + Quoting.escape(scheme)
            + " request keeps the application's own TLS");
      } else if (istio > 0 && identity == null) {
        notes.add("requests that pick an endpoint labelled " + UpstreamHost.TLS_MODE_LABEL
            + ": istio fail closed (503 UF): mutual TLS needs the workload identity, and " + identities.whyNone());
      }
    } else {
      out.add(new Policy("tls", "DISABLE"));
      if (cluster.policy().tls() == null && !identities.configured() && cluster.loadBalancer() != null
          && cluster.loadBalancer().hosts().stream().anyMatch(UpstreamHost::istioTlsMode)) {
        notes.add("endpoints labelled " + UpstreamHost.TLS_MODE_LABEL + ": istio get plain text: auto mTLS needs a"
            + " workload identity, and " + identities.whyNone());
      }
    }
  }

  private static String expected(ClientTlsSettings tls) {
    return tls.subjectAltNames().isEmpty() ? " (any identity of the mesh)"
        : " and its URI SAN against " + tls.subjectAltNames();
  }

  private static Outcome local(LocalReply reply, String detail) {
    return new Outcome(Outcome.Kind.LOCAL_REPLY, reply.status(), reply.flags(), reply.body(), detail);
  }
}
