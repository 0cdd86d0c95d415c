package dev.mesh4j.benchmarks.kubernetes;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time and allocation of this process's threads, grouped by what the thread belongs to (its
 * name): the in-process API server, fabric8's client, mesh4j, the harness. {@link #sample()} reads
 * every live thread; a phase is the difference of two {@link #snapshot() snapshots}. A thread that
 * ends between two samples is counted up to its last sample, so a sampler thread ({@link #start})
 * reads every 100 ms while the harness runs.
 *
 * <p>Thread CPU time (HotSpot's {@code ThreadMXBean}) is the time the thread ran on a core, not
 * the time it waited for one, so it is much less affected by other programs on the machine than
 * wall time. JIT compiler and GC threads are not Java threads and are not in any group; the
 * process's CPU time, which includes them, is reported next to the groups.
 *
 * <p>Thread-safe.
 */
final class ThreadCpu implements AutoCloseable {
  /** The groups, in the order they are reported. */
  enum Group {
    /** fabric8's mock API server (Vert.x) and the harness's request-log drain. */
    SERVER("API server (fabric8 mock, in process)"),
    /** The harness's writers: the Kubernetes client standing in for kubectl and controllers. */
    WRITERS("harness writers (kubectl, the updater)"),
    /** fabric8's client of the mesh: HTTP, WebSocket, informers' event dispatch. */
    CLIENT("fabric8 client of the mesh (HTTP, WebSocket, informers)"),
    /** mesh4j's own threads: the source's, the debounce's, the mesh's scheduler. */
    MESH("mesh4j (source, debounce, compile)"),
    /** The harness's timed thread, and everything else. */
    OTHER("harness main thread and other"),
    /** The JIT compilers (not Java threads: from {@code /proc/self/task}, in 10 ms ticks). */
    JIT("JIT compiler threads (whole process)"),
    /** The garbage collector (not Java threads: from {@code /proc/self/task}, in 10 ms ticks). */
    GC("GC threads and the VM thread (whole process)");

    final String label;

    Group(String label) {
      this.label = label;
    }
  }

  /** CPU nanoseconds and allocated bytes per group, and the process's CPU time. */
  record Snapshot(Map<Group, long[]> groups, long processCpuNanos) {
    Snapshot minus(Snapshot earlier) {
      Map<Group, long[]> out = new LinkedHashMap<>();
      for (Group g : Group.values()) {
        long[] now = groups.getOrDefault(g, new long[2]);
        long[] then = earlier.groups.getOrDefault(g, new long[2]);
        out.put(g, new long[] {now[0] - then[0], now[1] - then[1]});
      }
      return new Snapshot(out, processCpuNanos - earlier.processCpuNanos);
    }

    long cpuNanos(Group g) {
      return groups.getOrDefault(g, new long[2])[0];
    }

    long allocatedBytes(Group g) {
      return groups.getOrDefault(g, new long[2])[1];
    }

    /** The client side: fabric8's client of the mesh and mesh4j. */
    long clientCpuNanos() {
      return cpuNanos(Group.CLIENT) + cpuNanos(Group.MESH);
    }

    long clientAllocatedBytes() {
      return allocatedBytes(Group.CLIENT) + allocatedBytes(Group.MESH);
    }

    String render(String phase) {
      StringBuilder sb = new StringBuilder();
      for (Group g : Group.values()) {
        boolean javaThreads = g != Group.JIT && g != Group.GC;
        sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f s | %s |%n", phase, g.label,
            cpuNanos(g) / 1e9, javaThreads ? String.format(Locale.ROOT, "%.0f MB", allocatedBytes(g) / 1e6) : ""));
      }
      sb.append(String.format(Locale.ROOT, "| %s | **client side (fabric8 client + mesh4j)** | **%.2f s** | **%.0f MB** |%n",
          phase, clientCpuNanos() / 1e9, clientAllocatedBytes() / 1e6));
      sb.append(String.format(Locale.ROOT, "| %s | whole process | %.2f s | |%n", phase,
          processCpuNanos / 1e9));
      return sb.toString();
    }
  }

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  /** Per thread id: its group and its last CPU time and allocation seen. */
  private final Map<Long, Seen> seen = new ConcurrentHashMap<>();
  /** Per native task of the JIT or the GC: its last CPU time seen, in nanoseconds. */
  private final Map<String, Long> nativeCpu = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private Thread sampler;

  private record Seen(Group group, long cpu, long allocated) {}

  ThreadCpu() {
    threads.setThreadCpuTimeEnabled(true);
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /** Samples every 100 ms on a daemon thread of its own (counted under OTHER). */
  ThreadCpu start() {
    sampler = new Thread(() -> {
      while (!closed) {
        sample();
        try {
          Thread.sleep(100); // a sampling period, not timing logic
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "thread-cpu-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return this;
  }

  /**
   * The JIT's and the GC's threads, which are not Java threads: each task's utime + stime from
   * {@code /proc/self/task/<tid>/stat}, by its name ({@code C2 CompilerThre}, {@code GC Thread#0},
   * {@code G1 Conc#0}, ...), as "jit tid" or "gc tid". Nothing where there is no {@code /proc}.
   */
  private void sampleNative() {
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return;
    }
    for (java.io.File task : tasks) {
      try {
        String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).strip();
        String kind = comm.contains("Compiler") ? "jit " : comm.startsWith("GC ") || comm.startsWith("G1 ")
            || comm.equals("VM Thread") ? "gc " : null;
        if (kind == null) {
          continue;
        }
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        nativeCpu.merge(kind + task.getName(), ticks * 10_000_000L, Math::max);
      } catch (java.io.IOException | RuntimeException e) {
        // the task ended meanwhile
      }
    }
  }

  /** Reads every live thread's CPU time and allocation. */
  synchronized void sample() {
    sampleNative();
    long[] ids = threads.getAllThreadIds();
    java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
    long[] cpu = threads.getThreadCpuTime(ids);
    long[] allocated = threads.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || cpu[i] < 0) {
        continue; // ended meanwhile
      }
      Seen before = seen.get(ids[i]);
      Group g = before != null ? before.group : group(infos[i].getThreadName());
      seen.put(ids[i], new Seen(g, cpu[i], Math.max(0, allocated[i])));
    }
  }

  /** Puts every live thread whose name starts with {@code prefix} in {@code group}, whatever its name says later. */
  synchronized void claimLive(String prefix, Group group) {
    long[] ids = threads.getAllThreadIds();
    java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().startsWith(prefix)) {
        Seen before = seen.get(ids[i]);
        seen.put(ids[i], new Seen(group, before == null ? 0 : before.cpu, before == null ? 0 : before.allocated));
      }
    }
    sample();
  }

  /** Samples now and sums per group. */
  synchronized Snapshot snapshot() {
    sample();
    Map<Group, long[]> out = new LinkedHashMap<>();
    for (Seen s : seen.values()) {
      long[] sum = out.computeIfAbsent(s.group, g -> new long[2]);
      sum[0] += s.cpu;
      sum[1] += s.allocated;
    }
    for (Map.Entry<String, Long> e : nativeCpu.entrySet()) {
      Group g = e.getKey().startsWith("jit ") ? Group.JIT : Group.GC;
      out.computeIfAbsent(g, k -> new long[2])[0] += e.getValue();
    }
    return new Snapshot(out, ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime());
  }

  /** Thread names per group, for checking the grouping: name prefixes and their CPU seconds. */
  synchronized String names() {
    Map<String, Double> byName = new java.util.TreeMap<>();
    long[] ids = threads.getAllThreadIds();
    java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null) {
        String n = infos[i].getThreadName().replaceAll("\\d+", "N");
        Seen s = seen.get(ids[i]);
        byName.merge((s == null ? group(infos[i].getThreadName()) : s.group) + " " + n, threads.getThreadCpuTime(ids[i]) / 1e9, Double::sum);
      }
    }
    StringBuilder sb = new StringBuilder();
    byName.forEach((n, s) -> sb.append(String.format(Locale.ROOT, "  %-90s %.2f s%n", n, s)));
    return sb.toString();
  }

  /** Which side a thread works for, from its name. */
  static Group group(String name) {
    // pool-N-thread-M: fabric8's mock sends each watch's events from an executor of its own.
    if (name.startsWith("vert.x-") || name.equals("request-log-drain") || name.startsWith("MockWebServer")
        || name.startsWith("pool-")) {
      return Group.SERVER;
    }
    if (name.startsWith(KubernetesScale.WRITER_THREAD) || name.equals("updates")
        || name.startsWith(KubernetesScale.KUBECTL_CLIENT_THREAD)) {
      return Group.WRITERS;
    }
    if (name.startsWith("mesh4j")) {
      return Group.MESH;
    }
    if (name.startsWith(KubernetesScale.MESH_CLIENT_THREAD) || name.startsWith("HttpClient-") || name.contains("informer") || name.startsWith("pool-")
        || name.startsWith("ForkJoinPool") || name.startsWith("-executor") || name.contains("Executor")) {
      return Group.CLIENT;
    }
    return Group.OTHER;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    if (sampler != null) {
      sampler.join(1_000);
    }
  }
}
