package dev.mesh4j.core.internal.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The routes a gateway gets when several VirtualServices bound to it claim one host. Sidecars
 * keep only the oldest VirtualService; a gateway concatenates their routes, oldest
 * VirtualService first, then moves the catch-all routes to the end (istio/istio
 * {@code buildGatewayHTTPRouteConfig}, {@code route.SortVHostRoutes}), so that a later
 * VirtualService's specific routes are not shadowed by an earlier one's catch-all.
 *
 * <p>Envoy routes are per match: a catch-all is a match whose only condition is the path prefix
 * {@code /} (or that has no condition at all). As Istio does when it translates a
 * VirtualService, the matches after a VirtualService's first catch-all are dropped.
 */
final class GatewayMerge {
  private GatewayMerge() {}

  /** One Envoy route: a match and the route it belongs to. */
  private record Entry(CompiledRoute route, CompiledMatch match) {}

  static CompiledVirtualService merge(CompiledVirtualService first, CompiledVirtualService second) {
    List<Entry> specific = new ArrayList<>();
    List<Entry> catchAll = new ArrayList<>();
    for (CompiledVirtualService vs : List.of(first, second)) {
      translate:
      for (CompiledRoute r : vs.routes()) {
        for (CompiledMatch m : r.matches()) {
          if (isCatchAll(m)) {
            catchAll.add(new Entry(r, m));
            break translate;
          }
          specific.add(new Entry(r, m));
        }
      }
    }
    List<Entry> all = new ArrayList<>(specific);
    all.addAll(catchAll);
    // A gateway's TLS and TCP servers are the edge application's: only HTTP routes merge.
    return new CompiledVirtualService(first.config(), regroup(all), first.connections());
  }

  /** Whether a match holds for every request on its port (Istio's {@code isCatchAllRoute}). */
  static boolean isCatchAll(CompiledMatch m) {
    for (Condition c : m.conditions()) {
      boolean all = c instanceof Conditions.Port
          || (c instanceof Conditions.OnAttribute a && a.attribute() == Conditions.Attribute.PATH
              && a.matcher().isRootPrefix());
      if (!all) {
        return false;
      }
    }
    return true;
  }

  /** Consecutive entries of one route become that route again (a copy when matches were left out). */
  private static List<CompiledRoute> regroup(List<Entry> entries) {
    List<CompiledRoute> out = new ArrayList<>();
    int i = 0;
    while (i < entries.size()) {
      CompiledRoute r = entries.get(i).route();
      List<CompiledMatch> matches = new ArrayList<>();
      while (i < entries.size() && entries.get(i).route() == r) {
        matches.add(entries.get(i).match());
        i++;
      }
      out.add(matches.equals(r.matches()) ? r : r.withMatches(matches));
    }
    return out;
  }
}
