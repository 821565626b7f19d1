package dev.seedbox.operator.harness;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.VolumeInfo;
import dev.seedbox.provisioning.ServerRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A provider in front of another that counts the calls the operator makes and keeps every create request (with its
 * user data) per seedbox UID, in the order they came, before passing them on.
 */
public final class RecordingProvider implements ProvisioningProvider {

  private final ProvisioningProvider delegate;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, List<CreateRequest>> creates = new ConcurrentHashMap<>();

  public RecordingProvider(ProvisioningProvider delegate) {
    this.delegate = delegate;
  }

  public Map<String, Long> calls() {
    Map<String, Long> result = new TreeMap<>();
    calls.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  /** The create requests made for a seedbox, oldest first (including those the provider then failed). */
  public List<CreateRequest> creates(String seedboxUid) {
    List<CreateRequest> made = creates.get(seedboxUid);
    if (made == null) {
      return List.of();
    }
    synchronized (made) {
      return List.copyOf(made);
    }
  }

  private void count(String call) {
    calls.computeIfAbsent(call, k -> new LongAdder()).increment();
  }

  @Override
  public ProviderKind kind() {
    return delegate.kind();
  }

  @Override
  public CreatedServer create(CreateRequest request) {
    count("create");
    List<CreateRequest> made = creates.computeIfAbsent(request.seedboxUid(), k -> new ArrayList<>());
    synchronized (made) {
      made.add(request);
    }
    return delegate.create(request);
  }

  @Override
  public void suspend(ServerRef server) {
    count("suspend");
    delegate.suspend(server);
  }

  @Override
  public void resume(ServerRef server) {
    count("resume");
    delegate.resume(server);
  }

  @Override
  public void terminate(ServerRef server) {
    count("terminate");
    delegate.terminate(server);
  }

  @Override
  public int terminateBySeedboxUid(String seedboxUid) {
    count("terminateBySeedboxUid");
    return delegate.terminateBySeedboxUid(seedboxUid);
  }

  @Override
  public Optional<ServerInfo> status(ServerRef server) {
    count("status");
    return delegate.status(server);
  }

  @Override
  public List<ServerInfo> listManaged() {
    count("listManaged");
    return delegate.listManaged();
  }

  @Override
  public List<VolumeInfo> listManagedVolumes() {
    count("listManagedVolumes");
    return delegate.listManagedVolumes();
  }
}
