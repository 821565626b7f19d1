package dev.seedbox.keys.verify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the BYOS verifier may connect to. A customer names the host, so without this check a
 * ByosConnection would let anyone probe the operator's own network: loopback, link-local (and the cloud metadata
 * service at 169.254.169.254), private and CGNAT ranges, IPv6 unique-local, multicast and unspecified addresses are
 * refused unless {@code SEEDBOX_SSH_ALLOWED_ADDRESSES} names them. IPv6 forms that embed an IPv4 address (mapped,
 * compatible, NAT64) are judged by that IPv4 address.
 */
public final class AddressPolicy {

  public static final String ALLOWED_ADDRESSES = "SEEDBOX_SSH_ALLOWED_ADDRESSES";

  private record Blocked(Cidr cidr, String reason) {
  }

  private static final List<Blocked> BLOCKED = List.of(
      blocked("169.254.169.254/32", "the cloud metadata service"),
      blocked("0.0.0.0/8", "an unspecified ('this network') address"),
      blocked("127.0.0.0/8", "a loopback address"),
      blocked("10.0.0.0/8", "a private (RFC 1918) address"),
      blocked("172.16.0.0/12", "a private (RFC 1918) address"),
      blocked("192.168.0.0/16", "a private (RFC 1918) address"),
      blocked("100.64.0.0/10", "a carrier-grade NAT (RFC 6598) address"),
      blocked("169.254.0.0/16", "a link-local address"),
      blocked("192.0.0.0/24", "an IETF protocol assignment address"),
      blocked("198.18.0.0/15", "a benchmarking address"),
      blocked("224.0.0.0/4", "a multicast address"),
      blocked("240.0.0.0/4", "a reserved or broadcast address"),
      blocked("::/128", "an unspecified address"),
      blocked("::1/128", "a loopback address"),
      blocked("fe80::/10", "a link-local address"),
      blocked("fec0::/10", "a site-local address"),
      blocked("fc00::/7", "a unique-local (private) address"),
      blocked("ff00::/8", "a multicast address"));

  private final List<Cidr> allowed;

  public AddressPolicy(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Refuses every internal address. */
  public static AddressPolicy strict() {
    return new AddressPolicy(List.of());
  }

  public List<Cidr> allowed() {
    return allowed;
  }

  /** Why {@code address} may not be reached, or empty if it may. */
  public Optional<String> refusal(InetAddress address) {
    InetAddress judged = embeddedIpv4(address).orElse(address);
    for (Cidr cidr : allowed) {
      if (cidr.contains(address) || cidr.contains(judged)) {
        return Optional.empty();
      }
    }
    for (Blocked blocked : BLOCKED) {
      if (blocked.cidr().contains(judged)) {
        String via = judged == address ? "" : " (embedded in " + address.getHostAddress() + ")";
        return Optional.of(judged.getHostAddress() + via + " is " + blocked.reason()
            + " and not in " + ALLOWED_ADDRESSES);
      }
    }
    return Optional.empty();
  }

  private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return Optional.empty();
    }
    byte[] b = address.getAddress();
    boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = allZero(b, 0, 12) && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1));
    boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
        && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
    if (!mapped && !compatible && !nat64) {
      return Optional.empty();
    }
    try {
      return Optional.of((Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static boolean allZero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Blocked blocked(String cidr, String reason) {
    return new Blocked(Cidr.parse(cidr), reason);
  }

  @Override
  public String toString() {
    return "AddressPolicy[allowed=" + allowed + "]";
  }
}
