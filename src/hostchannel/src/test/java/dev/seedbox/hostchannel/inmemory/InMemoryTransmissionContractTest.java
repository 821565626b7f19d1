package dev.seedbox.hostchannel.inmemory;

/** The in-memory host keeps the host contract for Transmission as the real script does. */
class InMemoryTransmissionContractTest extends InMemoryHostContractTest {

  @Override
  protected String client() {
    return "transmission";
  }
}
