package dev.mesh4j.benchmarks.e2e;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * JMH's machine-wide lock ({@code $TMPDIR/jmh.lock}, the file JMH's runner locks): holding it
 * keeps JMH runs from other checkouts off the machine while the harness measures, and waiting
 * for it keeps the harness off while they run.
 */
public final class MachineLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private MachineLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock, waiting up to {@code wait}; goes ahead without it (and says so) after that. */
  public static MachineLock acquire(Duration wait) throws IOException, InterruptedException {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + wait.toNanos();
    boolean told = false;
    while (true) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock != null) {
        return new MachineLock(channel, lock);
      }
      if (System.nanoTime() >= deadline) {
        System.err.println("JMH is still running elsewhere after " + wait.toSeconds() + "s; measuring anyway");
        return new MachineLock(channel, null);
      }
      if (!told) {
        System.err.println("waiting for a JMH run elsewhere on this machine to end (" + file + ")");
        told = true;
      }
      Thread.sleep(1_000);
    }
  }

  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.release();
    }
    channel.close();
  }
}
