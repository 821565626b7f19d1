package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import java.net.URI;
import java.util.List;

/**
 * What the control plane needs to know about one BitTorrent client to run it on a seedbox server: which package
 * installs it, which ports it needs open, and how a login is checked through the client's own API. The server sets
 * the web UI credentials itself (the host script computes the client's own password form), so nothing here sees a
 * hash. A new client arrives as one more implementation, with its host script part (install, credentials, units).
 */
public interface TorrentClientProfile {

  /** The client as {@code spec.client} names it. */
  TorrentClient kind();

  /** The Debian package that installs it. */
  String debianPackage();

  /** Every Debian package it runs on, installed at a new server's first boot so the host channel's install finds them. */
  default List<String> debianPackages() {
    return List.of(debianPackage());
  }

  /** The ports the server opens for it (the web UI first); SSH is not among them. */
  List<Port> ports();

  /** The web UI's TCP port. */
  int webUiPort();

  /** Where the web UI is under its server's root, ending in {@code /}; the same behind HTTPS. */
  default String webUiPath() {
    return "/";
  }

  /** The web UI of a server reachable at {@code address}, on the client's own port. */
  default URI webUiUrl(String address) {
    return URI.create("http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + webUiPort()
        + webUiPath());
  }

  /** The web UI at {@code port} of a server reachable at {@code address} (a customer's server, ports of its own). */
  default URI webUiUrl(String address, int port) {
    return URI.create("http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port
        + webUiPath());
  }

  /** Logs in to the web UI at {@code webUi} through the client's API, as a customer would. */
  LoginCheck checkLogin(URI webUi, String username, String password);

  /** The client as the host script names it ({@code client} in its arguments). */
  default String hostScriptName() {
    return kind().wireName();
  }

  /** A port the client listens on. */
  record Port(int number, Protocol protocol, String purpose) {
  }

  enum Protocol {
    TCP,
    UDP
  }

}
