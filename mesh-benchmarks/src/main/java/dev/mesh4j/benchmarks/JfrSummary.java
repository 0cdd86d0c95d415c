package dev.mesh4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The summary of a JFR recording that mesh-benchmarks/README.md quotes: the top allocation sites
 * ({@code jdk.ObjectAllocationSample}, by weight) and the top CPU frames
 * ({@code jdk.ExecutionSample}), of one thread.
 *
 * <pre>{@code java -cp mesh-benchmarks/target/benchmarks.jar dev.mesh4j.benchmarks.JfrSummary recording.jfr thread requests [top]}</pre>
 *
 * <p>{@code thread} is the name of the thread that sent the requests (allocation and CPU of other
 * threads are left out); {@code requests} is how many it sent while recording, to put the
 * sampled bytes per request. An allocation site is the allocating frame and the nearest frame of
 * mesh4j's code below it (which of mesh4j's steps caused it), with the class allocated. A CPU
 * frame is the top frame of a sample ("self"), and, separately, the nearest mesh4j frame
 * ("mesh4j frame": whose work it was, OkHttp's and the JDK's below included).
 */
public final class JfrSummary {
  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    String thread = args[1];
    long requests = Long.parseLong(args[2]);
    int top = args.length > 3 ? Integer.parseInt(args[3]) : 25;
    Map<String, Long> sites = new HashMap<>();
    Map<String, Long> byMeshFrame = new HashMap<>();
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> meshCpu = new HashMap<>();
    long allocated = 0;
    long samples = 0;
    List<RecordedEvent> events = new java.util.ArrayList<>();
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        String type = e.getEventType().getName();
        jdk.jfr.consumer.RecordedThread t = type.equals("jdk.ExecutionSample") ? e.getThread("sampledThread")
            : type.equals("jdk.ObjectAllocationSample") ? e.getThread() : null;
        if (t != null && thread.equals(t.getJavaName())) {
          events.add(e);
        }
      }
    }
    // A thread's first allocation sample weighs everything it allocated before the recording.
    events.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
    boolean first = true;
    for (RecordedEvent e : events) {
      String type = e.getEventType().getName();
      {
        if (first && type.equals("jdk.ObjectAllocationSample")) {
          first = false;
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        List<RecordedFrame> frames = stack == null ? List.of() : stack.getFrames();
        if (type.equals("jdk.ObjectAllocationSample")) {
          long weight = e.getLong("weight");
          allocated += weight;
          String mesh = meshFrame(frames);
          String site = e.getClass("objectClass").getName() + " at " + frame(frames, 0) + " <- " + mesh;
          sites.merge(site, weight, Long::sum);
          byMeshFrame.merge(mesh, weight, Long::sum);
        } else if (type.equals("jdk.ExecutionSample")) {
          samples++;
          self.merge(frame(frames, 0), 1L, Long::sum);
          meshCpu.merge(meshFrame(frames), 1L, Long::sum);
        }
      }
    }
    System.out.printf(Locale.ROOT, "allocation: %,d B sampled on %s, %,.0f B per request (%,d requests)%n", allocated,
        thread, (double) allocated / requests, requests);
    print("top allocation sites (B/request): class at allocating frame <- nearest mesh4j frame", sites, top,
        v -> String.format(Locale.ROOT, "%,8.0f", (double) v / requests));
    print("allocation by nearest mesh4j frame (B/request)", byMeshFrame, top,
        v -> String.format(Locale.ROOT, "%,8.0f", (double) v / requests));
    System.out.printf(Locale.ROOT, "%ncpu: %,d execution samples on %s%n", samples, thread);
    long n = Math.max(1, samples);
    print("top frames, self (% of samples)", self, top, v -> String.format(Locale.ROOT, "%5.1f%%", 100.0 * v / n));
    print("by nearest mesh4j frame (% of samples)", meshCpu, top,
        v -> String.format(Locale.ROOT, "%5.1f%%", 100.0 * v / n));
  }

  private static void print(String title, Map<String, Long> counts, int top,
      java.util.function.LongFunction<String> format) {
    System.out.println();
    System.out.println(title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(en -> System.out.println("  " + format.apply(en.getValue()) + "  " + en.getKey()));
  }

  private static String frame(List<RecordedFrame> frames, int i) {
    if (frames.size() <= i) {
      return "?";
    }
    RecordedFrame f = frames.get(i);
    return f.getMethod().getType().getName().replaceFirst("^.*\\.", "") + "." + f.getMethod().getName() + ":"
        + f.getLineNumber();
  }

  private static String meshFrame(List<RecordedFrame> frames) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).getMethod().getType().getName().startsWith("dev.mesh4j.")
          && !frames.get(i).getMethod().getType().getName().startsWith("dev.mesh4j.benchmarks.")) {
        return frame(frames, i);
      }
    }
    return "(no mesh4j frame)";
  }
}
