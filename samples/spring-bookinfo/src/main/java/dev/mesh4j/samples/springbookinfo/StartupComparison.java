package dev.mesh4j.samples.springbookinfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The starter's start-up cost as the whole application sees it: starts productpage in fresh JVMs
 * ({@link StartupCost}, one per sample) without the mesh ({@code --mesh.enabled=false}), with the
 * starter, and with the starter but without its background pre-initializer, interleaved so that
 * the machine's load drifts evenly over all three, and prints for each the median and range of
 * the time from {@code main} to {@code ApplicationReadyEvent}, of the time from launching the JVM
 * to that event, and of the starter's bean creation. The starter's cost is the difference of the
 * medians, and also given per round (the variants of one round start seconds apart, so a load
 * that drifts over minutes cancels out). The first round is a warm-up (jars into the page cache)
 * and not counted.
 *
 * <p>Run it: {@code ./mvnw -q -pl samples/spring-bookinfo -am -Pstartup-cost -DskipTests package}
 * (add {@code -Dstartup.runs=N}; default 10), or
 * {@code java -cp <sample classpath> dev.mesh4j.samples.springbookinfo.StartupComparison [runs]}.
 */
public final class StartupComparison {
  private static final Pattern RESULT =
      Pattern.compile(Pattern.quote(StartupCost.RESULT_PREFIX) + " ready-ms=([\\d.]+) starter-beans-ms=([\\d.]+)");

  /** One way of starting the application: the JVM options and arguments that select it. */
  private record Variant(String name, List<String> jvmOptions, List<String> args) {}

  /** One JVM's figures, in milliseconds. */
  private record Sample(double mainToReady, double launchToReady, double starterBeans) {}

  private StartupComparison() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Variant> variants = List.of(
        new Variant("without the mesh (mesh.enabled=false)", List.of(), List.of("--mesh.enabled=false")),
        new Variant("with the starter", List.of(), List.of()),
        new Variant("with the starter, no pre-initializer",
            List.of("-Dmesh.backgroundpreinitializer.ignore=true"), List.of()));
    Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
    variants.forEach(v -> samples.put(v, new ArrayList<>()));
    System.out.printf(Locale.ROOT, "%d fresh JVMs per variant (after one warm-up round), %d CPUs, Java %s%n", runs,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    for (int round = 0; round <= runs; round++) {
      for (Variant v : variants) {
        Sample s = run(v);
        if (round > 0) {
          samples.get(v).add(s);
        }
      }
      System.out.print(round == 0 ? "warm-up round done; rounds:" : " " + round);
      System.out.flush();
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "%-40s %-18s %-18s %s%n", "median [min–max], ms", "main→ready",
        "launch→ready", "starter's beans");
    for (Variant v : variants) {
      List<Sample> s = samples.get(v);
      System.out.printf(Locale.ROOT, "%-40s %-18s %-18s %s%n", v.name(), stats(s, Sample::mainToReady),
          stats(s, Sample::launchToReady), stats(s, Sample::starterBeans));
    }
    List<Sample> without = samples.get(variants.get(0));
    System.out.printf(Locale.ROOT, "the starter's cost, main→ready: difference of medians %s ms, per round %s ms%n",
        difference(samples.get(variants.get(1)), without), paired(samples.get(variants.get(1)), without));
    System.out.printf(Locale.ROOT, "  without its pre-initializer: difference of medians %s ms, per round %s ms%n",
        difference(samples.get(variants.get(2)), without), paired(samples.get(variants.get(2)), without));
  }

  private static String difference(List<Sample> a, List<Sample> b) {
    return String.format(Locale.ROOT, "%.0f", median(a, Sample::mainToReady) - median(b, Sample::mainToReady));
  }

  /** The difference within each round (JVMs started seconds apart), as median [min–max]: robust to drift. */
  private static String paired(List<Sample> a, List<Sample> b) {
    double[] d = new double[a.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = a.get(i).mainToReady() - b.get(i).mainToReady();
    }
    Arrays.sort(d);
    return String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", median(d), d[0], d[d.length - 1]);
  }

  private static Sample run(Variant v) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(v.jvmOptions());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), StartupCost.class.getName()));
    command.addAll(v.args());
    long launched = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    Sample sample = null;
    List<String> output = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
        Matcher m = RESULT.matcher(line);
        if (m.find() && sample == null) {
          // The child prints this line right after ApplicationReadyEvent; reading it is ready + a pipe hop.
          double launchToReady = (System.nanoTime() - launched) / 1e6;
          sample = new Sample(Double.parseDouble(m.group(1)), launchToReady, Double.parseDouble(m.group(2)));
        }
      }
    }
    int exit = p.waitFor();
    if (exit != 0 || sample == null) {
      output.forEach(System.err::println);
      throw new IllegalStateException(v.name() + ": the application exited with " + exit + " without a result line");
    }
    return sample;
  }

  private static String stats(List<Sample> samples, ToDoubleFunction<Sample> metric) {
    double[] values = samples.stream().mapToDouble(metric).sorted().toArray();
    return String.format(Locale.ROOT, "%.0f [%.0f–%.0f]", median(values), values[0], values[values.length - 1]);
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> metric) {
    return median(samples.stream().mapToDouble(metric).sorted().toArray());
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
