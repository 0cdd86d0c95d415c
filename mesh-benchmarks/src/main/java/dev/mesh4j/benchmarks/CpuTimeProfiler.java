package dev.mesh4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation of the benchmark JVM ({@code -prof dev.mesh4j.benchmarks.CpuTimeProfiler}),
 * reported as {@code cpu.time.norm} in ns/op: the process CPU time (every thread, GC included)
 * spent during an iteration, divided by its operations.
 *
 * <p>On a machine shared with other work, time spent waiting for a CPU counts in the score (wall
 * time) but not here, so the two together tell slow code from a busy machine. The JDK reads
 * process CPU time in 10 ms ticks on Linux: iterations of a second or more keep that under 1%.
 * Single-threaded benchmarks only; with more threads it is the sum over them.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private long before;

  @Override
  public String getDescription() {
    return "process CPU time per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    before = cpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpu = cpuTime() - before;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) cpu / ops
        / java.util.concurrent.TimeUnit.NANOSECONDS.convert(1, benchmarkParams.getTimeUnit());
    String unit = switch (benchmarkParams.getTimeUnit()) {
      case NANOSECONDS -> "ns/op";
      case MICROSECONDS -> "us/op";
      case MILLISECONDS -> "ms/op";
      default -> benchmarkParams.getTimeUnit() + "/op";
    };
    return List.of(new ScalarResult("cpu.time.norm", perOp, unit, AggregationPolicy.AVG));
  }

  private static long cpuTime() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
