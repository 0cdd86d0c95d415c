package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.routing.RouteAction;
import dev.mesh4j.core.internal.snapshot.HostEntry;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pictures a snapshot as a {@link MeshSummary}. Stateless; reads live endpoint state. */
public final class Summarizer {
  private Summarizer() {}

  public static MeshSummary summarize(MeshSnapshot snapshot, List<SourceStatus> sources, List<String> rejected) {
    List<MeshSummary.Service> services = new ArrayList<>();
    for (Service s : snapshot.catalog().all()) {
      CompiledVirtualService vs = snapshot.virtualService(s.hostname());
      List<MeshSummary.Route> routes = new ArrayList<>();
      if (vs != null) {
        vs.routes().forEach(r -> routes.add(route(r)));
      } else {
        HostEntry entry = snapshot.host(s.hostname());
        if (entry.defaultRoute() != null) {
          routes.add(route(entry.defaultRoute()));
        }
      }
      services.add(new MeshSummary.Service(s.hostname(), s.namespace(),
          s.ports().stream().map(ServicePort::number).toList(), s.source(),
          vs == null ? null : vs.config().metadata().qualifiedName(), routes));
    }
    List<Cluster> sorted = new ArrayList<>(snapshot.clusters().values());
    sorted.sort(Comparator.comparing(Cluster::name));
    List<MeshSummary.Cluster> clusters = new ArrayList<>();
    for (Cluster c : sorted) {
      OutlierDetector detector = c.resilience().outlierDetector();
      ConnectionLimiter.Limits limits = c.resilience().limiter().limits();
      Map<String, OutlierDetector.HostStatus> outliers = new HashMap<>();
      if (detector != null) {
        detector.hosts().forEach(h -> outliers.put(h.hostPort(), h));
      }
      List<MeshSummary.Endpoint> endpoints = new ArrayList<>();
      if (c.loadBalancer() != null) {
        for (UpstreamHost h : c.loadBalancer().hosts()) {
          OutlierDetector.HostStatus o = outliers.get(h.endpoint().hostPort());
          endpoints.add(new MeshSummary.Endpoint(h.endpoint().hostPort(), h.endpoint().labels(), h.weight(),
              !h.isHealthy(), o == null ? 0 : o.ejections(), o == null ? Duration.ZERO : o.remaining(),
              h.activeRequests()));
        }
      }
      clusters.add(new MeshSummary.Cluster(c.name(), c.key().host(), c.key().subset(), c.key().port(),
          c.loadBalancer() == null ? "PASSTHROUGH" : c.loadBalancer().name(),
          detector == null ? null : detector.settings().toString(),
          limits.equals(ConnectionLimiter.Limits.NONE) ? null : limits.toString(),
          PolicyText.tlsMode(c), c.failure(), endpoints));
    }
    return new MeshSummary(snapshot.version(), services, clusters,
        snapshot.warnings().stream().map(ConfigProblem::toString).toList(), sources, rejected);
  }

  private static MeshSummary.Route route(CompiledRoute r) {
    List<MeshSummary.Destination> destinations = new ArrayList<>();
    RouteAction action = r.action();
    MeshSummary.Route.Action kind;
    if (action instanceof RouteAction.Forward f) {
      kind = MeshSummary.Route.Action.FORWARD;
      for (CompiledDestination d : f.destinations()) {
        destinations.add(new MeshSummary.Destination(d.host(), d.subset(), d.port(), d.weight()));
      }
    } else if (action instanceof RouteAction.Redirect) {
      kind = MeshSummary.Route.Action.REDIRECT;
    } else {
      kind = MeshSummary.Route.Action.DIRECT_RESPONSE;
    }
    HttpFaultInjection fault = r.config().fault();
    // The name listeners see in RouteDecision.routeName.
    String name = r.name() != null ? r.name() : r.label();
    return new MeshSummary.Route(r.label() + (r.name() == null ? "" : " (" + r.name() + ")"), name, kind,
        destinations, fault == null ? null : PolicyText.fault(fault));
  }
}
