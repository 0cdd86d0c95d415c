package dev.mesh4j.core.observe;

import dev.mesh4j.core.http.LocalReply;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
  @Override
  public void retryDecided(MeshCall call, @Nullable MeshAttempt attempt, RetryDecision decision) {
    for (MeshListener l : listeners) {
      l.retryDecided(call, attempt, decision);
    }
  }

  @Override
  public void overflow(MeshCall call, String cluster, String limit) {
    for (MeshListener l : listeners) {
      l.overflow(call, cluster, limit);
    }
  }

  @Override
  public void localReply(MeshCall call, LocalReply reply) {
    for (MeshListener l : listeners) {
      l.localReply(call, reply);
    }
  }

  @Override
  public void endpointEjected(EndpointEjection ejection) {
    for (MeshListener l : listeners) {
      l.endpointEjected(ejection);
    }
  }

  @Override
  public void endpointReturned(EndpointEjection ejection) {
    for (MeshListener l : listeners) {
      l.endpointReturned(ejection);
    }
  }

  @Override
  public void configApplied(ConfigChange change) {
    for (MeshListener l : listeners) {
      l.configApplied(change);
    }
  }

  @Override
  public void configRejected(ConfigChange change) {
    for (MeshListener l : listeners) {
      l.configRejected(change);
    }
  }

  @Override
  public void endpointsChanged(EndpointsChange change) {
    for (MeshListener l : listeners) {
      l.endpointsChanged(change);
    }
  }
}
