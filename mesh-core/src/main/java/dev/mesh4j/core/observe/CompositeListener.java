package dev.mesh4j.core.observe;

import java.util.List;

/** Several listeners told in order; see {@link MeshListener#of(List)}. Immutable. */
record CompositeListener(List<MeshListener> listeners) implements MeshListener {

  @Override
  public void requestStarted(MeshCall call) {
    for (MeshListener l : listeners) {
      l.requestStarted(call);
    }
  }

  @Override
  public void routed(MeshCall call) {
    for (MeshListener l : listeners) {
      l.routed(call);
    }
  }

  @Override
  public void destinationPicked(MeshCall call) {
    for (MeshListener l : listeners) {
      l.destinationPicked(call);
    }
  }

  @Override
  public void faultInjected(MeshCall call, String flag) {
    for (MeshListener l : listeners) {
      l.faultInjected(call, flag);
    }
  }

  @Override
  public void attemptStarted(MeshCall call, MeshAttempt attempt) {
    for (MeshListener l : listeners) {
      l.attemptStarted(call, attempt);
    }
  }

  @Override
  public void attemptEnded(MeshCall call, MeshAttempt attempt) {
    for (MeshListener l : listeners) {
      l.attemptEnded(call, attempt);
    }
  }

  @Override
  public void requestEnded(MeshCall call) {
    for (MeshListener l : listeners) {
      l.requestEnded(call);
    }
  }
}
