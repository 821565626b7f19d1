package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The BitTorrent client (with its web UI) installed on a seedbox. */
public enum TorrentClient {
  @JsonProperty("qbittorrent")
  QBITTORRENT("qbittorrent"),
  @JsonProperty("transmission")
  TRANSMISSION("transmission"),
  @JsonProperty("deluge")
  DELUGE("deluge"),
  @JsonProperty("rtorrent")
  RTORRENT("rtorrent");

  private final String wireName;

  TorrentClient(String wireName) {
    this.wireName = wireName;
  }

  /** The value as it appears in custom resources. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
