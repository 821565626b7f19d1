package dev.seedbox.keys.verify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * A host name resolved once and every answer checked against the {@link AddressPolicy}: callers connect to the
 * checked addresses, never to the name again, so a DNS answer that changes between check and connect (DNS rebinding)
 * cannot steer us into the cluster.
 */
public sealed interface AddressCheck {

  record Allowed(List<InetAddress> addresses) implements AddressCheck {
  }

  record Unresolvable(String message) implements AddressCheck {
  }

  record Refused(String message) implements AddressCheck {
  }

  static AddressCheck of(AddressPolicy policy, HostResolver resolver, String host) {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return new Unresolvable("cannot resolve host '" + host + "'");
    }
    if (addresses.isEmpty()) {
      return new Unresolvable("host '" + host + "' resolves to no address");
    }
    // a name that resolves to one public and one internal address is refused as a whole
    for (InetAddress address : addresses) {
      Optional<String> refusal = policy.refusal(address);
      if (refusal.isPresent()) {
        return new Refused("refusing host '" + host + "': " + refusal.get());
      }
    }
    return new Allowed(List.copyOf(addresses));
  }
}
