package dev.seedbox.hostchannel.inmemory;

/** The in-memory host keeps the host contract for Deluge as the real script does. */
class InMemoryDelugeContractTest extends InMemoryHostContractTest {

  @Override
  protected String client() {
    return "deluge";
  }
}
