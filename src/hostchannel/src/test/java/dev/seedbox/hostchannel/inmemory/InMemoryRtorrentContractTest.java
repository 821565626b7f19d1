package dev.seedbox.hostchannel.inmemory;

/** The in-memory host keeps the host contract for rTorrent as the real script does. */
class InMemoryRtorrentContractTest extends InMemoryHostContractTest {

  @Override
  protected String client() {
    return "rtorrent";
  }
}
