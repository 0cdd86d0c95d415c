package dev.mesh4j.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time consumed so far by this process and by others, in nanoseconds.
 *
 * <p>This JVM's own time comes from {@code OperatingSystemMXBean.getProcessCpuTime()} (all
 * threads: application, JIT, GC; on Linux the JDK reads it with {@code times()}, so in 10 ms
 * clock ticks although it is reported in nanoseconds). Another process's time is user +
 * system time of the process and its descendants as the OS reports it through
 * {@link ProcessHandle.Info#totalCpuDuration()} — on Linux, {@code utime + stime} of
 * {@code /proc/<pid>/stat}, counted in clock ticks (10 ms), so it needs runs of a few seconds.
 */
final class CpuClock {
  private CpuClock() {}

  /** CPU time of this JVM. */
  static long self() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    throw new IllegalStateException("process CPU time is not available on this JVM");
  }

  /**
   * CPU time the whole machine has been busy (user, nice, system, irq, softirq, steal of
   * {@code /proc/stat}, all CPUs), or -1 where there is no {@code /proc/stat}. Less this
   * process, the backend and the proxy, it is what other programs took during a run.
   */
  static long machineBusy() {
    try {
      String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long ticks = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        ticks += Long.parseLong(f[i]);
      }
      return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU time of a process and its descendants, or -1 when the process is gone or unreadable. */
  static long process(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return -1;
    }
    long total = 0;
    for (ProcessHandle p : Stream.concat(Stream.of(handle.get()), handle.get().descendants()).toList()) {
      Optional<Duration> cpu = p.info().totalCpuDuration();
      if (cpu.isEmpty()) {
        return -1;
      }
      total += cpu.get().toNanos();
    }
    return total;
  }
}
