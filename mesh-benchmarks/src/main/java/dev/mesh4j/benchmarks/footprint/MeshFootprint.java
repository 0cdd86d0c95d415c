package dev.mesh4j.benchmarks.footprint;

import dev.mesh4j.benchmarks.NoopExchange;
import dev.mesh4j.benchmarks.SyntheticMesh;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap a {@link Mesh} keeps: 100 services, 1,000 endpoints and 1,000 VirtualServices by
 * default ({@link SyntheticMesh}), read from one file per document, every host routed once.
 *
 * <p>Two methods, since neither is exact alone:
 * <ul>
 *   <li><b>Heap histogram difference</b>: the live heap by class ({@code GC.class_histogram}, which
 *       runs a full GC first) before and after building {@code copies} meshes (default one),
 *       divided by {@code copies}. Copies of one configuration share its interned strings and
 *       compiled regexes, which an application with one mesh does not get, so more than one
 *       copy understates. A throw-away mesh of the same shape is built first, so one-time static
 *       state (Jackson, class initialisation) is in both histograms and cancels out. Counts what a
 *       mesh really adds to a heap, but also any unrelated allocation that stays reachable.
 *   <li><b>Reachable graph</b> ({@link ReachableSize}, JOL's object sizes): every object reachable
 *       from the mesh, once, not entering threads, class loaders, classes or executors. Counts
 *       objects the mesh shares with the JVM (interned strings, {@code Clock.systemUTC()}); gives
 *       the breakdown by root (parsed model, endpoints, the rest). Plain JOL
 *       ({@code GraphLayout.parseInstance(mesh).totalSize()}) is reported too: it walks from the
 *       cache's executor into threads and class loaders, so it is an upper bound at best.
 * </ul>
 *
 * <p>By default every VirtualService has the same regex (they share one compiled program);
 * {@code --distinct-regexes true} gives each its own. Measure one configuration per JVM: the
 * histogram difference of a second measurement in the same JVM is disturbed by the first.
 *
 * <pre>MeshFootprint [--services 100] [--endpoints-per-service 10] [--virtual-services 1000]
 *               [--copies 1] [--distinct-regexes false] [--out FILE]</pre>
 */
public final class MeshFootprint {
  private static final Pattern HISTOGRAM_ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

  /** Keeps the measured meshes reachable while the heap is measured. */
  private static final List<Mesh> held = new ArrayList<>();

  static {
    // JOL cannot ask Unsafe for field offsets of records and hidden classes (lambdas); it then
    // needs to find them by probing.
    System.setProperty("jol.magicFieldOffset", "true");
  }

  /**
   * What one measurement found, in bytes per mesh.
   *
   * @param histogramBytes the heap histogram difference per mesh
   * @param jolGraphBytes plain JOL {@code GraphLayout.totalSize()} of one mesh
   * @param reachableBytes {@link ReachableSize} of one mesh
   * @param modelBytes {@link ReachableSize} of its parsed model ({@code mesh.config()})
   * @param endpointsBytes {@link ReachableSize} of its registered endpoints
   * @param modelAndEndpointsBytes {@link ReachableSize} of both, shared objects once
   * @param stringSourceBytes {@link ReachableSize} of a mesh read from one YAML string
   * @param configTextBytes the size of the YAML files
   */
  public record Result(SyntheticMesh shape, int copies, long histogramBytes, long jolGraphBytes,
      long reachableBytes, long modelBytes, long endpointsBytes, long modelAndEndpointsBytes,
      long stringSourceBytes, long configTextBytes, Map<String, Long> byKind, List<ClassDelta> topClasses) {}

  /** A class's share of the histogram difference, per mesh. */
  public record ClassDelta(String className, long instances, long bytes) {}

  private MeshFootprint() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    SyntheticMesh shape = new SyntheticMesh(
        Integer.parseInt(opts.getOrDefault("services", "100")),
        Integer.parseInt(opts.getOrDefault("endpoints-per-service", "10")),
        Integer.parseInt(opts.getOrDefault("virtual-services", "1000")),
        Boolean.parseBoolean(opts.getOrDefault("distinct-regexes", "false")));
    String report = render(measure(shape, Integer.parseInt(opts.getOrDefault("copies", "1"))));
    System.out.println(report);
    if (opts.containsKey("out")) {
      Path out = Path.of(opts.get("out"));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }

  /** Builds meshes of the shape and measures what each keeps. */
  public static Result measure(SyntheticMesh shape, int copies) throws Exception {
    Path dir = shape.writeFiles(Files.createTempDirectory("mesh4j-footprint"));
    try {
      long configText = 0;
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          configText += Files.size(f);
        }
      }
      // One mesh of the same shape first: one-time state must not be charged to the meshes measured.
      build(shape, dir).close();
      Map<String, long[]> before = histogram();
      for (int i = 0; i < copies; i++) {
        held.add(build(shape, dir));
      }
      Map<String, long[]> after = histogram();
      Mesh first = held.get(0);
      long reachable = ReachableSize.of(first);
      long model = ReachableSize.of(first.config());
      // The registry itself reaches the mesh through its change listener; its endpoint maps
      // (a copy of the maps, the same Endpoint objects) stand for it.
      Object endpoints = first.registry().snapshot();
      long endpointBytes = ReachableSize.of(endpoints);
      // Both roots in one walk: what they share is counted once.
      long modelAndEndpoints = ReachableSize.of(first.config(), endpoints);
      long jolGraph = GraphLayout.parseInstance(first).totalSize();
      held.forEach(Mesh::close);
      held.clear();

      long fromStringBytes;
      try (Mesh fromString = route(shape, Mesh.builder().registry(shape.registry()).configYaml(shape.yaml())
          .dnsRefreshInterval(Duration.ZERO).build())) {
        fromStringBytes = ReachableSize.of(fromString);
      }

      List<ClassDelta> deltas = new ArrayList<>();
      long total = 0;
      for (Map.Entry<String, long[]> e : after.entrySet()) {
        long[] b = before.getOrDefault(e.getKey(), new long[2]);
        long bytes = e.getValue()[1] - b[1];
        total += bytes;
        deltas.add(new ClassDelta(e.getKey(), (e.getValue()[0] - b[0]) / copies, bytes / copies));
      }
      for (Map.Entry<String, long[]> e : before.entrySet()) {
        if (!after.containsKey(e.getKey())) {
          total -= e.getValue()[1];
        }
      }
      deltas.sort(Comparator.comparingLong(ClassDelta::bytes).reversed());
      Map<String, Long> byKind = new LinkedHashMap<>();
      for (ClassDelta d : deltas) {
        byKind.merge(kind(d.className()), d.bytes(), Long::sum);
      }
      return new Result(shape, copies, total / copies, jolGraph, reachable, model, endpointBytes,
          modelAndEndpoints, fromStringBytes, configText, byKind,
          List.copyOf(deltas.subList(0, Math.min(15, deltas.size()))));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** A mesh from the files, with every VirtualService host routed once (lazy state included). */
  private static Mesh build(SyntheticMesh shape, Path dir) throws IOException {
    return route(shape, Mesh.builder().registry(shape.registry()).configDirectory(dir)
        .dnsRefreshInterval(Duration.ZERO).build());
  }

  /** Routes one request to every VirtualService host, so that state made on first use exists. */
  private static Mesh route(SyntheticMesh shape, Mesh mesh) throws IOException {
    NoopExchange exchange = new NoopExchange();
    for (int v = 0; v < shape.virtualServices(); v++) {
      Object outcome = mesh.execute(MeshRequest.builder(shape.url(v, "/api/v1/items")).build(), exchange);
      if (!(outcome instanceof UpstreamRequest u) || u.endpoint() == null) {
        throw new IllegalStateException(shape.virtualServiceHost(v) + " was not forwarded: " + outcome);
      }
    }
    return mesh;
  }

  /** A coarse owner of a histogram class, for the by-kind table. */
  private static String kind(String className) {
    String element = className.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
    if (className.equals("java.lang.String") || className.equals("[B")) {
      return "strings (`String` + `byte[]`)";
    } else if (element.startsWith("com.google.re2j.")) {
      return "RE2/J (`com.google.re2j.*`)";
    } else if (element.startsWith("dev.mesh4j.api.")) {
      return "mesh4j config model and endpoints (`dev.mesh4j.api.*`)";
    } else if (element.startsWith("dev.mesh4j.core.")) {
      return "mesh4j compiled snapshot (`dev.mesh4j.core.*`)";
    } else if (element.startsWith("java.util.")) {
      return "JDK collections (`java.util.*`)";
    } else if (element.startsWith("com.github.benmanes.caffeine.")) {
      return "Caffeine (host cache)";
    }
    return "other (`int[]`, `Object[]`, `long[]`, …)";
  }

  /** Class name → {instances, bytes} of the live heap, after a full GC. */
  private static Map<String, long[]> histogram() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> rows = new HashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = HISTOGRAM_ROW.matcher(line);
      if (m.matches()) {
        long[] row = rows.computeIfAbsent(m.group(3), k -> new long[2]);
        row[0] += Long.parseLong(m.group(1));
        row[1] += Long.parseLong(m.group(2));
      }
    }
    return rows;
  }

  /** The result as Markdown. */
  public static String render(Result r) {
    SyntheticMesh s = r.shape();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "### %s%n%nMesh of %,d services, %,d endpoints, %,d VirtualServices (%,d documents, %,d KB of YAML); %s %s, %s%n%n",
        s.distinctRegexes() ? "A distinct regex in each VirtualService" : "The same regex in every VirtualService",
        s.services(), s.services() * s.endpointsPerService(), s.virtualServices(), s.documents(),
        r.configTextBytes() / 1024, System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())));
    out.append("| method | retained per Mesh | target |\n|---|---|---|\n");
    out.append(String.format(Locale.ROOT, "| heap histogram difference after full GC, %s | **%s** | ≤ 5 MB |%n",
        r.copies() == 1 ? "one mesh" : "average of " + r.copies() + " meshes", mb(r.histogramBytes())));
    out.append(String.format(Locale.ROOT,
        "| reachable object graph (JOL sizes; not entering threads, class loaders, executors) | %s | |%n",
        mb(r.reachableBytes())));
    out.append(String.format(Locale.ROOT, "| — of which the parsed model (`mesh.config()`) | %s | |%n",
        mb(r.modelBytes())));
    out.append(String.format(Locale.ROOT, "| — of which the registered endpoints | %s | |%n",
        mb(r.endpointsBytes())));
    out.append(String.format(Locale.ROOT,
        "| — the rest: compiled snapshot (matchers, route tables, clusters, LB state, host cache) | %s | |%n",
        mb(r.reachableBytes() - r.modelAndEndpointsBytes())));
    out.append(String.format(Locale.ROOT,
        "| reachable object graph, config from one YAML string (the source keeps the text) | %s | |%n",
        mb(r.stringSourceBytes())));
    out.append(String.format(Locale.ROOT,
        "| plain JOL `GraphLayout.totalSize()` (walks into shared threads and class loaders) | %s | |%n",
        mb(r.jolGraphBytes())));
    out.append("\nThe histogram difference by kind, per Mesh:\n\n| kind | bytes |\n|---|---|\n");
    r.byKind().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> out.append(String.format(Locale.ROOT, "| %s | %,d |%n", e.getKey(), e.getValue())));
    out.append("\nLargest classes in the histogram difference, per Mesh:\n\n");
    out.append("| class | instances | bytes |\n|---|---|---|\n");
    for (ClassDelta d : r.topClasses()) {
      out.append(String.format(Locale.ROOT, "| `%s` | %,d | %,d |%n", d.className(), d.instances(), d.bytes()));
    }
    return out.toString();
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f MB (%,d bytes)", bytes / 1024.0 / 1024.0, bytes);
  }
}
