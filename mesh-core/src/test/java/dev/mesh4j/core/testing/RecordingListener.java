package dev.mesh4j.core.testing;

import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that writes every event down as a line ({@code requestStarted}, {@code routed
 * ROUTE default/reviews http[0]}, {@code attemptEnded 1 200}, …) and keeps the last call. Test
 * fixture; thread-safe.
 */
public final class RecordingListener implements MeshListener {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private volatile MeshCall lastCall;

  @Override
  public void requestStarted(MeshCall call) {
    lastCall = call;
    events.add("requestStarted");
  }

  @Override
  public void routed(MeshCall call) {
    var r = call.route();
    events.add("routed " + r.outcome() + (r.virtualService() == null ? "" : " " + r.virtualService())
        + (r.routeName() == null ? "" : " " + r.routeName()));
  }

  @Override
  public void destinationPicked(MeshCall call) {
    events.add("destinationPicked " + call.route().cluster());
  }

  @Override
  public void faultInjected(MeshCall call, String flag) {
    events.add("faultInjected " + flag);
  }

  @Override
  public void attemptStarted(MeshCall call, MeshAttempt attempt) {
    events.add("attemptStarted " + attempt.number() + " "
        + (attempt.endpoint() == null ? "passthrough" : attempt.endpoint().hostPort()));
  }

  @Override
  public void attemptEnded(MeshCall call, MeshAttempt attempt) {
    events.add("attemptEnded " + attempt.number() + " "
        + (attempt.failure() != null ? attempt.failure() : Integer.toString(attempt.status())));
  }

  @Override
  public void requestEnded(MeshCall call) {
    events.add("requestEnded " + call.status() + (call.responseFlags().isEmpty() ? "" : " " + call.responseFlags()));
  }

  public List<String> events() {
    return List.copyOf(events);
  }

  public MeshCall lastCall() {
    return lastCall;
  }

  public void clear() {
    events.clear();
  }
}
