package dev.seedbox.hostchannel.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostContract;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryHostContractTest extends HostContract {

  private static final String ADDRESS = "203.0.113.7";
  private final InMemoryHost host = new InMemoryHost(Duration.ZERO);
  private final SshKeyPair managementKey = new Ed25519Keys().generate("management");
  private final String hostKey = new Ed25519Keys().generate("host").publicKey().fingerprint();

  InMemoryHostContractTest() {
    host.boot(ADDRESS, hostKey, managementKey.publicKey().fingerprint());
  }

  @Override
  protected HostChannel channel() {
    return host;
  }

  @Override
  protected WebUiLogin webUi() {
    return host;
  }

  @Override
  protected String address() {
    return ADDRESS;
  }

  @Override
  protected HostTarget target() {
    return new HostTarget(ADDRESS, 22, "seedbox", hostKey);
  }

  @Override
  protected SshKeyPair managementKey() {
    return managementKey;
  }

  @Test
  void injectedFaultsShowAsTheRealServerWouldShowThem() {
    Map<String, Object> slot = Map.of("slot", "sb-fault01", "client", "qbittorrent");
    done(HostVerb.INSTALL_CLIENT, Map.of("slot", "sb-fault01", "client", "qbittorrent", "webUiPort", 18080,
        "listenPort", 16881));
    done(HostVerb.SET_CREDENTIALS, Map.of("slot", "sb-fault01", "client", "qbittorrent", "username", "customer",
        "password", "a-long-enough-password"));
    done(HostVerb.START, slot);
    URI webUi = URI.create("http://" + ADDRESS + ":18080/");
    assertThat(host.login(webUi, "customer", "a-long-enough-password")).isInstanceOf(LoginCheck.Accepted.class);

    host.inject(ADDRESS, InMemoryHost.Fault.CLIENT_CRASHED);
    assertThat(done(HostVerb.HEALTH, slot).path("running").asBoolean()).isFalse();
    assertThat(host.login(webUi, "customer", "a-long-enough-password")).isInstanceOf(LoginCheck.Unreachable.class);

    host.inject(ADDRESS, InMemoryHost.Fault.REJECT_LOGINS);
    assertThat(host.login(webUi, "customer", "a-long-enough-password")).isInstanceOf(LoginCheck.Rejected.class);

    host.inject(ADDRESS, InMemoryHost.Fault.UNREACHABLE);
    assertThat(run(HostVerb.HEALTH, slot)).isInstanceOf(HostReply.Unreachable.class);

    host.clear(ADDRESS);
    assertThat(host.login(webUi, "customer", "a-long-enough-password")).isInstanceOf(LoginCheck.Accepted.class);
  }

  @Test
  void httpsVerbsKeepTheRealScriptsShapeWithoutIssuingACertificate() {
    Map<String, Object> configure = Map.of("slot", "sb-https01", "client", "qbittorrent",
        "hostname", "box-team.seedbox.example.com", "webUiPort", 18080,
        "acmeDirectory", "https://acme.example.net/directory");

    assertThat(done(HostVerb.CONFIGURE_HTTPS, configure).path("changed").asBoolean()).isTrue();
    assertThat(done(HostVerb.CONFIGURE_HTTPS, configure).path("changed").asBoolean()).isFalse();
    assertThat(done(HostVerb.HTTPS_STATUS, Map.of("slot", "sb-https01")).path("hostname").asText())
        .isEqualTo("box-team.seedbox.example.com");
    assertThat(done(HostVerb.REMOVE_HTTPS, Map.of("slot", "sb-https01")).path("removed").asBoolean()).isTrue();
    assertThat(done(HostVerb.HTTPS_STATUS, Map.of("slot", "sb-https01")).path("configured").asBoolean()).isFalse();
  }
}
