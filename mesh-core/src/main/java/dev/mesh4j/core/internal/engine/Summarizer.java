package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.routing.RouteAction;
import dev.mesh4j.core.internal.snapshot.HostEntry;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
      List<MeshSummary.Endpoint> endpoints = new ArrayList<>();
      if (c.loadBalancer() != null) {
        for (UpstreamHost h : c.loadBalancer().hosts()) {
          endpoints.add(new MeshSummary.Endpoint(h.endpoint().hostPort(), h.endpoint().labels(), h.weight(),
              !h.isHealthy(), h.activeRequests()));
        }
      }
      clusters.add(new MeshSummary.Cluster(c.name(), c.key().host(), c.key().subset(), c.key().port(),
          c.loadBalancer() == null ? "PASSTHROUGH" : c.loadBalancer().name(), endpoints));
    }
    return new MeshSummary(snapshot.version(), services, clusters,
        snapshot.warnings().stream().map(ConfigProblem::toString).toList(), sources, rejected);
  }

  private static MeshSummary.Route route(CompiledRoute r) {
    List<String> destinations = new ArrayList<>();
    RouteAction action = r.action();
    if (action instanceof RouteAction.Forward f) {
      for (CompiledDestination d : f.destinations()) {
        destinations.add(d + " weight " + d.weight());
      }
    } else if (action instanceof RouteAction.Redirect) {
      destinations.add("redirect");
    } else {
      destinations.add("direct response");
    }
    return new MeshSummary.Route(r.label() + (r.name() == null ? "" : " (" + r.name() + ")"), destinations);
  }
}
