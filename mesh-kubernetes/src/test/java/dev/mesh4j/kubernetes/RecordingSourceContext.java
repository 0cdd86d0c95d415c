package dev.mesh4j.kubernetes;

import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link SourceContext} that records what a source delivers and keeps the state those updates
 * add up to — resources by key, services by host — as the mesh would hold it. Accepts every update.
 * Thread-safe.
 */
final class RecordingSourceContext implements SourceContext {
  private final Workload workload;
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final List<SourceUpdate> updates = new ArrayList<>();
  private final Map<ResourceKey, String> resources = new LinkedHashMap<>();
  private final Map<String, ServiceEndpoints> services = new LinkedHashMap<>();
  private final List<SourceStatus.State> states = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  final CountDownLatch synced = new CountDownLatch(1);
  private long version;

  RecordingSourceContext(Workload workload, Scheduler scheduler, Ticker ticker) {
    this.workload = workload;
    this.scheduler = scheduler;
    this.ticker = ticker;
  }

  @Override
  public synchronized SourceUpdate.Result apply(SourceUpdate update) {
    updates.add(update);
    if (update.isFull()) {
      resources.clear();
      services.clear();
    }
    for (SourceUpdate.Change c : update.items()) {
      if (c instanceof SourceUpdate.Manifest m) {
        resources.put(m.key(), m.text());
      } else if (c instanceof SourceUpdate.Delete d) {
        resources.remove(d.key());
      } else if (c instanceof SourceUpdate.Service s) {
        services.put(s.service().host(), s.service());
      } else if (c instanceof SourceUpdate.ServiceRemoval r) {
        services.remove(r.host());
      } else {
        throw new AssertionError("unexpected change " + c);
      }
    }
    return new SourceUpdate.Result(true, ++version, List.of(), Set.of());
  }

  @Override
  public void synced() {
    status(SourceStatus.State.SYNCED, "");
    synced.countDown();
  }

  @Override
  public synchronized void status(SourceStatus.State state, String message) {
    states.add(state);
    messages.add(message);
  }

  @Override
  public Workload workload() {
    return workload;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  synchronized List<SourceUpdate> updates() {
    return List.copyOf(updates);
  }

  synchronized Map<ResourceKey, String> resources() {
    return Map.copyOf(resources);
  }

  synchronized Map<String, ServiceEndpoints> services() {
    return Map.copyOf(services);
  }

  synchronized List<SourceStatus.State> states() {
    return List.copyOf(states);
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  synchronized SourceStatus.State state() {
    return states.isEmpty() ? SourceStatus.State.STARTING : states.get(states.size() - 1);
  }
}
