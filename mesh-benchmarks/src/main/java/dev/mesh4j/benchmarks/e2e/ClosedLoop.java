package dev.mesh4j.benchmarks.e2e;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A closed-loop load: {@code concurrency} threads each send a request, wait for the whole
 * response, and send the next, until {@code requests} have been sent in all. Each request's
 * latency is recorded (from {@code execute()} to the last body byte).
 *
 * <p>Closed loop means a slow response delays the next request instead of queueing behind it,
 * so tail latencies are those of a client with that many threads, not of an open arrival rate.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /** What one run measured. */
  record Run(long[] latenciesNanos, long wallNanos, long clientCpuNanos, long proxyCpuNanos,
      long backendCpuNanos, long otherCpuNanos, int errors, String firstError) {

    /** The share of the machine's CPU other programs took during the run, 0 when not known. */
    double otherShare() {
      return otherCpuNanos < 0 ? 0 : otherCpuNanos / (double) (wallNanos * Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * Runs the load once.
   *
   * @param proxyPid the proxy's process id whose CPU to measure, or -1
   * @param backendPid the backend's process id whose CPU to measure, or -1
   */
  static Run run(OkHttpClient client, Request request, int concurrency, int requests, long proxyPid,
      long backendPid) throws InterruptedException {
    return run(() -> call(client, request), concurrency, requests, proxyPid, backendPid);
  }

  /** One whole request by some client: what went wrong, or null. */
  interface Caller {
    String call();
  }

  /** Runs the load once, each request sent by {@code caller}. */
  static Run run(Caller caller, int concurrency, int requests, long proxyPid, long backendPid)
      throws InterruptedException {
    long[] latencies = new long[requests];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(concurrency);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int t = 0; t < concurrency; t++) {
      Thread thread = new Thread(() -> {
        try {
          ready.countDown();
          go.await();
          int i;
          while ((i = next.getAndIncrement()) < requests) {
            long start = System.nanoTime();
            String error = caller.call();
            latencies[i] = System.nanoTime() - start;
            if (error != null) {
              errors.incrementAndGet();
              firstError.compareAndSet(null, error);
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      }, "load-" + t);
      thread.setDaemon(true);
      thread.start();
    }
    ready.await();
    long proxyBefore = proxyPid < 0 ? 0 : CpuClock.process(proxyPid);
    long backendBefore = backendPid < 0 ? 0 : CpuClock.process(backendPid);
    long machineBefore = CpuClock.machineBusy();
    long cpuBefore = CpuClock.self();
    long wallBefore = System.nanoTime();
    go.countDown();
    done.await();
    long wall = System.nanoTime() - wallBefore;
    long cpu = CpuClock.self() - cpuBefore;
    long proxy = proxyPid < 0 ? 0 : CpuClock.process(proxyPid) - proxyBefore;
    long backend = backendPid < 0 ? 0 : CpuClock.process(backendPid) - backendBefore;
    long machine = CpuClock.machineBusy() - machineBefore;
    long other = machineBefore < 0 || backendPid < 0 ? -1 : Math.max(0, machine - cpu - proxy - backend);
    return new Run(latencies, wall, cpu, proxy, backend, other, errors.get(), firstError.get());
  }

  /** Sends one request and reads its body; returns what went wrong, or null. */
  private static String call(OkHttpClient client, Request request) {
    try (Response response = client.newCall(request).execute()) {
      String body = response.body().string();
      if (response.code() != 200 || !body.equals("ok")) {
        return "HTTP " + response.code() + " " + response.header("x-mesh4j-flags", "") + " " + body;
      }
      return null;
    } catch (IOException e) {
      return e.toString();
    }
  }
}
