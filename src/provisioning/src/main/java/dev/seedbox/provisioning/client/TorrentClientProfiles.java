package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
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

  /** The clients that ship today. */
  public static TorrentClientProfiles shipped() {
    return new TorrentClientProfiles(java.util.List.of(new QbittorrentProfile(), new TransmissionProfile(),
        new DelugeProfile(), new RtorrentProfile()));
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
