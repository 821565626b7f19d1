package dev.seedbox.ledger.byos;

/**
 * A connection whose host key is pinned was asked to point at another host or port without a re-pin request: the pin
 * belongs to the server it was taken from, so moving it silently would either fail forever or, once someone cleared
 * the pin, trust whatever answers at the new address.
 */
public class HostChangeRefusedException extends RuntimeException {

  public HostChangeRefusedException(String message) {
    super(message);
  }
}
