package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The clients this control plane can install, by {@link TorrentClient}. */
public final class TorrentClientProfiles {

  private final Map<TorrentClient, TorrentClientProfile> profiles;

  public TorrentClientProfiles(Collection<? extends TorrentClientProfile> profiles) {
    Map<TorrentClient, TorrentClientProfile> byKind = new EnumMap<>(TorrentClient.class);
    for (TorrentClientProfile profile : profiles) {
      if (byKind.put(profile.kind(), profile) != null) {
        throw new IllegalArgumentException("two profiles for " + profile.kind());
      }
    }
    this.profiles = Collections.unmodifiableMap(byKind);
  }

  /** The clients that ship today, logged in to directly. */
  public static TorrentClientProfiles shipped() {
    return shipped(webUiClient(Duration.ofSeconds(10)));
  }

  /** The clients that ship today, whose logins go through {@code webUi}. */
  public static TorrentClientProfiles shipped(HttpClient webUi) {
    return new TorrentClientProfiles(java.util.List.of(new QbittorrentProfile(webUi), new TransmissionProfile(webUi),
        new DelugeProfile(webUi), new RtorrentProfile(webUi)));
  }

  /** A web UI client as a login check needs one: it never follows a redirect (a login answer is the answer). */
  public static HttpClient webUiClient(Duration connectTimeout) {
    return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public Optional<TorrentClientProfile> find(TorrentClient kind) {
    return Optional.ofNullable(profiles.get(kind));
  }

  /** The profile for {@code kind}; a spec that names none is refused before anything is charged. */
  public TorrentClientProfile get(TorrentClient kind) {
    TorrentClientProfile profile = profiles.get(kind);
    if (profile == null) {
      throw new IllegalStateException("no client profile for " + kind + "; installable: " + profiles.keySet());
    }
    return profile;
  }

  public Set<TorrentClient> installable() {
    return profiles.keySet();
  }
}
