package dev.seedbox.keys.verify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}; a bare address is a /32 or /128. */
public record Cidr(InetAddress network, int prefixLength) {

  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

  public Cidr {
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException("expected a prefix length 0.." + bits + " for " + network.getHostAddress()
          + ", found " + prefixLength);
    }
  }

  /** Parses an address literal with an optional {@code /prefix}; host names are rejected, nothing is resolved. */
  public static Cidr parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (address.isEmpty() || !LITERAL.matcher(address).matches()) {
      throw new IllegalArgumentException("expected a CIDR such as 10.0.0.0/8 or fd00::/8, found '" + text + "'");
    }
    InetAddress network;
    try {
      network = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("expected a CIDR such as 10.0.0.0/8 or fd00::/8, found '" + text + "'");
    }
    int bits = network.getAddress().length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a numeric prefix length in '" + text + "'");
    }
    return new Cidr(network, prefix);
  }

  public boolean contains(InetAddress address) {
    byte[] net = network.getAddress();
    byte[] candidate = address.getAddress();
    if (net.length != candidate.length) {
      return false;
    }
    int full = prefixLength / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != candidate[i]) {
        return false;
      }
    }
    int rest = prefixLength % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (net[full] & mask) == (candidate[full] & mask);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefixLength;
  }
}
