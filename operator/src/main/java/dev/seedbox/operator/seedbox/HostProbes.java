package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.ProbeResult;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.hostchannel.credentials.StoredCredentials;
import dev.seedbox.operator.host.ManagedServer;
import dev.seedbox.operator.host.ServerKeys;
import dev.seedbox.operator.seedbox.SeedboxObservation.Host;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The periodic check behind an Active seedbox's {@code Ready}: over the host channel, whether the client runs, then
 * a login to its web UI with the Secret's current credentials, as the customer would. A healthy answer stands for
 * one probe interval; an unhealthy one is asked again on the next pass, so Ready comes back as soon as the client
 * does. It only observes.
 */
final class HostProbes {

  private record Seen(Instant at) {
  }

  private final WebUiSecret webUi;
  private final Clock clock;
  private final Duration interval;
  private final Duration certificateThreshold;
  private final Map<String, Seen> healthy = new ConcurrentHashMap<>();

  HostProbes(WebUiSecret webUi, Clock clock, Duration interval, Duration certificateThreshold) {
    this.certificateThreshold = certificateThreshold;
    this.webUi = webUi;
    this.clock = clock;
    this.interval = interval;
  }

  /** @param locate the seedbox's client over the host channel, empty when the server has no keys of ours */
  Host observe(Seedbox seedbox, Supplier<Optional<ManagedServer>> locate) {
    String uid = seedbox.getMetadata().getUid();
    Seen seen = healthy.get(uid);
    Instant now = clock.instant();
    if (seen != null && now.isBefore(seen.at().plus(interval))) {
      return new Host.NotProbed();
    }
    Optional<ManagedServer> server = locate.get();
    if (server.isEmpty()) {
      return new Host.Unmanaged("the server has no keys of ours (Secret " + ServerKeys.secretName(seedbox)
          + "), so the operator cannot check or manage its client; it keeps running as it is");
    }
    StoredCredentials credentials = webUi.read(seedbox);
    if (credentials.current().isEmpty()) {
      return new Host.Unhealthy(ClientProbe.CREDENTIALS_REJECTED, "Secret " + WebUiSecret.name(seedbox)
          + " holds no current web UI password");
    }
    ManagedServer s = server.get();
    ProbeResult result = new ClientProbe(s.channel(), s.login()).probe(s.target(), s.key(), s.slot(), s.webUiUrl(),
        credentials.username(), credentials.current().get());
    if (result instanceof ProbeResult.Unhealthy unhealthy) {
      healthy.remove(uid);
      return new Host.Unhealthy(unhealthy.reason(), unhealthy.message());
    }
    healthy.put(uid, new Seen(now));
    // the login went through the certificate; this is whether it will still do so when renewal is due
    return new Host.Healthy(s.https().map(site -> new CertificateProbe(s.certificates(), certificateThreshold, clock)
        .assess(s.target().host(), site.hostname())));
  }

  /** The next pass probes again (after a suspend, a resume or a rotation changed what it would find). */
  void forget(String uid) {
    healthy.remove(uid);
  }
}
