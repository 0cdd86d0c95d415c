package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.EndpointsChange;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.RetryDecision;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a listener and logs and swallows anything it throws (a listener must never break a
 * request). The first failure of each listener is logged as a warning with its stack trace,
 * later ones at debug level.
 */
final class GuardedListener implements MeshListener {
  private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

  private final MeshListener delegate;
  private volatile boolean warned;

  private GuardedListener(MeshListener delegate) {
    this.delegate = delegate;
  }

  static MeshListener guard(MeshListener listener) {
    return listener == MeshListener.NONE || listener instanceof GuardedListener
        ? listener : new GuardedListener(listener);
  }

  @Override
  public void requestStarted(MeshCall call) {
    try {
      delegate.requestStarted(call);
    } catch (Throwable e) {
      failed("requestStarted", e);
    }
  }

  @Override
  public void routed(MeshCall call) {
    try {
      delegate.routed(call);
    } catch (Throwable e) {
      failed("routed", e);
    }
  }

  @Override
  public void destinationPicked(MeshCall call) {
    try {
      delegate.destinationPicked(call);
    } catch (Throwable e) {
      failed("destinationPicked", e);
    }
  }

  @Override
  public void faultInjected(MeshCall call, String flag) {
    try {
      delegate.faultInjected(call, flag);
    } catch (Throwable e) {
      failed("faultInjected", e);
    }
  }

  @Override
  public void attemptStarted(MeshCall call, MeshAttempt attempt) {
    try {
      delegate.attemptStarted(call, attempt);
    } catch (Throwable e) {
      failed("attemptStarted", e);
    }
  }

  @Override
  public void attemptEnded(MeshCall call, MeshAttempt attempt) {
    try {
      delegate.attemptEnded(call, attempt);
    } catch (Throwable e) {
      failed("attemptEnded", e);
    }
  }

  @Override
  public void requestEnded(MeshCall call) {
    try {
      delegate.requestEnded(call);
    } catch (Throwable e) {
      failed("requestEnded", e);
    }
  }

  @Override
  public void retryDecided(MeshCall call, @Nullable MeshAttempt attempt, RetryDecision decision) {
    try {
      delegate.retryDecided(call, attempt, decision);
    } catch (Throwable e) {
      failed("retryDecided", e);
    }
  }

  @Override
  public void overflow(MeshCall call, String cluster, String limit) {
    try {
      delegate.overflow(call, cluster, limit);
    } catch (Throwable e) {
      failed("overflow", e);
    }
  }

  @Override
  public void localReply(MeshCall call, LocalReply reply) {
    try {
      delegate.localReply(call, reply);
    } catch (Throwable e) {
      failed("localReply", e);
    }
  }

  @Override
  public void endpointEjected(EndpointEjection ejection) {
    try {
      delegate.endpointEjected(ejection);
    } catch (Throwable e) {
      failed("endpointEjected", e);
    }
  }

  @Override
  public void endpointReturned(EndpointEjection ejection) {
    try {
      delegate.endpointReturned(ejection);
    } catch (Throwable e) {
      failed("endpointReturned", e);
    }
  }

  @Override
  public void configApplied(ConfigChange change) {
    try {
      delegate.configApplied(change);
    } catch (Throwable e) {
      failed("configApplied", e);
    }
  }

  @Override
  public void configRejected(ConfigChange change) {
    try {
      delegate.configRejected(change);
    } catch (Throwable e) {
      failed("configRejected", e);
    }
  }

  @Override
  public void endpointsChanged(EndpointsChange change) {
    try {
      delegate.endpointsChanged(change);
    } catch (Throwable e) {
      failed("endpointsChanged", e);
    }
  }

  private void failed(String event, Throwable e) {
    if (e instanceof VirtualMachineError vme) {
      throw vme;
    }
    if (!warned) {
      warned = true;
      log.warn("mesh4j: listener {} threw from {}; ignored (later failures are logged at debug level)",
          delegate, event, e);
    } else {
      log.debug("mesh4j: listener {} threw from {}; ignored", delegate, event, e);
    }
  }

  @Override
  public String toString() {
    return "guarded(" + delegate + ")";
  }
}
