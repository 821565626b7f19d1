package dev.seedbox.operator.bench;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A provider that counts the calls the operator makes before passing them on. */
final class CountingProvider implements ProvisioningProvider {

  private final ProvisioningProvider delegate;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

  CountingProvider(ProvisioningProvider delegate) {
    this.delegate = delegate;
  }

  Map<String, Long> calls() {
    Map<String, Long> result = new TreeMap<>();
    calls.forEach((k, v) -> result.put(k, v.sum()));
    return result;
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
  public Credentials rotateCredentials(ServerRef server) {
    count("rotateCredentials");
    return delegate.rotateCredentials(server);
  }

  @Override
  public List<ServerInfo> listManaged() {
    count("listManaged");
    return delegate.listManaged();
  }
}
