package dev.mesh4j.benchmarks.e2e;

import dev.mesh4j.benchmarks.e2e.EndToEndHarness.Options;
import dev.mesh4j.benchmarks.e2e.EndToEndHarness.Setup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pools the runs of each (delay, concurrency, setup) cell over rounds and renders them as
 * Markdown: one table of figures, one of ratios to bare OkHttp.
 */
final class Report {
  private record Key(int latencyMs, int concurrency, Setup setup) {}

  /** A cell's runs, one per round, and their pooled figures. */
  private static final class Cell {
    final List<ClosedLoop.Run> runs = new ArrayList<>();
    private long[] pooled;

    double percentileMicros(double p) {
      if (pooled == null) {
        pooled = runs.stream().flatMapToLong(r -> Arrays.stream(r.latenciesNanos())).sorted().toArray();
      }
      return percentileMicros(pooled, p);
    }

    long requests() {
      return runs.stream().mapToLong(r -> r.latenciesNanos().length).sum();
    }

    double throughput() {
      return requests() / (runs.stream().mapToLong(ClosedLoop.Run::wallNanos).sum() / 1e9);
    }

    long clientCpu() {
      return runs.stream().mapToLong(ClosedLoop.Run::clientCpuNanos).sum();
    }

    long proxyCpu() {
      return runs.stream().mapToLong(ClosedLoop.Run::proxyCpuNanos).sum();
    }

    long backendCpu() {
      return runs.stream().mapToLong(ClosedLoop.Run::backendCpuNanos).sum();
    }

    int errors() {
      return runs.stream().mapToInt(ClosedLoop.Run::errors).sum();
    }

    /** Milliseconds of CPU per 1,000 requests. */
    double perThousand(long cpuNanos) {
      return cpuNanos / (double) requests() / 1_000.0;
    }

    /** Nearest rank, in microseconds, of sorted samples. */
    static double percentileMicros(long[] sorted, double p) {
      int rank = (int) Math.ceil(p / 100 * sorted.length);
      return sorted[Math.max(0, rank - 1)] / 1_000.0;
    }

    /** One round's percentile. */
    static double percentileMicros(ClosedLoop.Run run, double p) {
      long[] sorted = run.latenciesNanos().clone();
      Arrays.sort(sorted);
      return percentileMicros(sorted, p);
    }
  }

  private final Options options;
  private final String proxyProblem;
  private final Map<Key, Cell> cells = new LinkedHashMap<>();
  private int repeated;

  /** @param proxyProblem why the proxy setup is not measured, or null */
  Report(Options options, String proxyProblem) {
    this.options = options;
    this.proxyProblem = proxyProblem;
  }

  /** Counts a run measured again because other programs were busy. */
  void repeated() {
    repeated++;
  }

  void add(int latencyMs, int concurrency, Setup setup, ClosedLoop.Run run) {
    cells.computeIfAbsent(new Key(latencyMs, concurrency, setup), k -> new Cell()).runs.add(run);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    out.append("Machine: ").append(machine()).append('\n');
    out.append("Client: ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(", flags ")
        .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments())).append('\n');
    out.append("Proxy: ").append(proxyProblem == null ? options.proxyName() : "not available — " + proxyProblem)
        .append('\n');
    out.append(String.format(Locale.ROOT,
        "Load: closed loop, %,d requests per cell and round × %d rounds (setups take turns), after %,d "
            + "warm-up requests per cell and %,d per setup to warm the JIT; %s%n",
        options.requests(), options.rounds(), options.warmup(), options.jitWarmup(), LocalDate.now()));
    out.append(otherLoad()).append('\n');
    out.append('\n');
    out.append("| backend delay | concurrency | setup | p50 µs | p90 µs | p99 µs | req/s "
        + "| client CPU ms/1k req | proxy CPU ms/1k req | client + proxy CPU ms/1k req | backend CPU ms/1k req | errors |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int latency : options.latenciesMs()) {
      for (int concurrency : options.concurrency()) {
        for (Setup setup : Setup.values()) {
          Cell c = cells.get(new Key(latency, concurrency, setup));
          out.append("| ").append(latency).append(" ms | ").append(concurrency).append(" | ")
              .append(setup.label).append(" | ");
          if (c == null) {
            out.append("not available | – | – | – | – | – | – | – | – |\n");
            continue;
          }
          boolean proxied = setup == Setup.PROXY;
          out.append(String.format(Locale.ROOT, "%s | %s | %s | %,.0f | %.1f | %s | %s | %.1f | %d |%n",
              micros(c.percentileMicros(50)), micros(c.percentileMicros(90)), micros(c.percentileMicros(99)),
              c.throughput(), c.perThousand(c.clientCpu()),
              proxied ? String.format(Locale.ROOT, "%.1f", c.perThousand(c.proxyCpu())) : "–",
              String.format(Locale.ROOT, "%.1f", c.perThousand(c.clientCpu() + c.proxyCpu())),
              c.perThousand(c.backendCpu()), c.errors()));
        }
      }
    }
    out.append('\n');
    out.append("| backend delay | concurrency | (b)/(a) p50 | (b)/(a) p90 | (b)/(a) p99 | (b)/(a) req/s | (b)/(a) CPU "
        + "| (c)/(a) p50 | (c)/(a) p90 | (c)/(a) p99 | (c)/(a) req/s | (c)/(a) CPU |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int latency : options.latenciesMs()) {
      for (int concurrency : options.concurrency()) {
        Cell a = cells.get(new Key(latency, concurrency, Setup.BARE));
        out.append("| ").append(latency).append(" ms | ").append(concurrency).append(" | ")
            .append(ratios(a, cells.get(new Key(latency, concurrency, Setup.MESHED)))).append(" | ")
            .append(ratios(a, cells.get(new Key(latency, concurrency, Setup.PROXY)))).append(" |\n");
      }
    }
    List<String> errors = new ArrayList<>();
    cells.forEach((k, c) -> {
      if (c.errors() > 0) {
        String first = c.runs.stream().map(ClosedLoop.Run::firstError).filter(e -> e != null).findFirst().orElse("");
        errors.add(k + ": " + c.errors() + " errors, first: " + first);
      }
    });
    if (!errors.isEmpty()) {
      out.append("\nErrors:\n");
      errors.forEach(e -> out.append("- ").append(e).append('\n'));
    }
    out.append('\n').append("Latencies are pooled over rounds; a ratio is of pooled figures, with the range of "
        + "that ratio within single rounds in parentheses. CPU is per 1,000 requests: the client JVM's process "
        + "CPU time (all threads, JIT and GC included) and the proxy's user + system time (its threads and "
        + "children, from /proc/<pid>/stat), both read in 10 ms ticks before and after each run and summed over "
        + "rounds; (c)/(a) CPU is client + proxy over bare OkHttp. Backend CPU is shown to check that it is "
        + "alike in every setup; it is in no ratio.\n");
    return out.toString();
  }

  /**
   * x/a of p50, p90, p99, throughput and CPU. Latency and throughput ratios are of the pooled
   * figures, followed by the range of the same ratio within each round (setups of one round run
   * back to back, so a round's ratio is free of drift between rounds). CPU is pooled only: one
   * round's CPU reading is too coarse (10 ms) for a ratio of its own.
   */
  private static String ratios(Cell a, Cell x) {
    if (a == null || x == null) {
      return "not available | – | – | – | –";
    }
    List<String> out = new ArrayList<>();
    for (double p : new double[] {50, 90, 99}) {
      out.add(withRange(x.percentileMicros(p) / a.percentileMicros(p), a, x,
          (ra, rx) -> Cell.percentileMicros(rx, p) / Cell.percentileMicros(ra, p)));
    }
    out.add(withRange(x.throughput() / a.throughput(), a, x,
        (ra, rx) -> (double) ra.wallNanos() / rx.wallNanos() * rx.latenciesNanos().length / ra.latenciesNanos().length));
    out.add(String.format(Locale.ROOT, "%.3f",
        (double) (x.clientCpu() + x.proxyCpu()) / x.requests() / ((double) a.clientCpu() / a.requests())));
    return String.join(" | ", out);
  }

  private static String withRange(double pooled, Cell a, Cell x,
      java.util.function.ToDoubleBiFunction<ClosedLoop.Run, ClosedLoop.Run> perRound) {
    int rounds = Math.min(a.runs.size(), x.runs.size());
    if (rounds < 2) {
      return String.format(Locale.ROOT, "%.3f", pooled);
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      double v = perRound.applyAsDouble(a.runs.get(r), x.runs.get(r));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return String.format(Locale.ROOT, "%.3f (%.2f–%.2f)", pooled, min, max);
  }

  /** How much of the machine other programs took while runs were measured. */
  private String otherLoad() {
    List<ClosedLoop.Run> runs = cells.values().stream().flatMap(c -> c.runs.stream()).toList();
    if (runs.isEmpty() || runs.stream().anyMatch(r -> r.otherCpuNanos() < 0)) {
      return "Other programs: not measured (no /proc/stat)";
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    double total = runs.stream().mapToLong(ClosedLoop.Run::otherCpuNanos).sum()
        / (double) (runs.stream().mapToLong(ClosedLoop.Run::wallNanos).sum() * cpus);
    double worst = runs.stream().mapToDouble(ClosedLoop.Run::otherShare).max().orElse(0);
    long busyRuns = runs.stream().filter(r -> r.otherShare() > options.maxOtherLoad()).count();
    return String.format(Locale.ROOT,
        "Other programs on the machine: %d runs measured again because they took more than %.0f%% of its CPU; "
            + "in the runs kept they took %.0f%% (worst run %.0f%%; %d of %d runs above %.0f%%)",
        repeated, 100 * options.maxOtherLoad(), 100 * total, 100 * worst, busyRuns, runs.size(),
        100 * options.maxOtherLoad());
  }

  private static String micros(double us) {
    return String.format(Locale.ROOT, us < 100 ? "%.1f" : "%,.0f", us);
  }

  /** Cores, CPU model, OS. */
  static String machine() {
    String model = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux; the model stays unknown
    }
    return String.format(Locale.ROOT, "%d CPUs (%s), %s %s, %s", Runtime.getRuntime().availableProcessors(), model,
        System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
  }
}
