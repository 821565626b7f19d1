package dev.seedbox.keys.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

  private final AddressPolicy strict = AddressPolicy.strict();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1|127.0.0.1 is a loopback address",
      "127.53.0.9|127.53.0.9 is a loopback address",
      "10.1.2.3|10.1.2.3 is a private (RFC 1918) address",
      "172.20.0.1|172.20.0.1 is a private (RFC 1918) address",
      "192.168.1.1|192.168.1.1 is a private (RFC 1918) address",
      "100.64.0.1|100.64.0.1 is a carrier-grade NAT (RFC 6598) address",
      "100.127.255.254|100.127.255.254 is a carrier-grade NAT (RFC 6598) address",
      "169.254.169.254|169.254.169.254 is the cloud metadata service",
      "169.254.1.1|169.254.1.1 is a link-local address",
      "0.0.0.0|0.0.0.0 is an unspecified ('this network') address",
      "224.0.0.1|224.0.0.1 is a multicast address",
      "::1|0:0:0:0:0:0:0:1 is a loopback address",
      "::|0:0:0:0:0:0:0:0 is an unspecified address",
      "fe80::1|fe80:0:0:0:0:0:0:1 is a link-local address",
      "fc00::1|fc00:0:0:0:0:0:0:1 is a unique-local (private) address",
      "fd12:3456::1|fd12:3456:0:0:0:0:0:1 is a unique-local (private) address",
      "fd00:ec2::254|fd00:ec2:0:0:0:0:0:254 is a unique-local (private) address",
      "64:ff9b::a9fe:a9fe|169.254.169.254 (embedded in 64:ff9b:0:0:0:0:a9fe:a9fe) is the cloud metadata service",
      "::7f00:1|127.0.0.1 (embedded in 0:0:0:0:0:0:7f00:1) is a loopback address",
  })
  void refusesInternalAddressesSayingWhy(String address, String reason) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(address)))
        .contains(reason + " and not in SEEDBOX_SSH_ALLOWED_ADDRESSES");
  }

  @Test
  void anIpv4MappedIpv6LiteralIsJudgedAsIpv4() throws Exception {
    // Java turns ::ffff:a.b.c.d into an Inet4Address; the check must not depend on that
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);

    assertThat(strict.refusal(address)).hasValueSatisfying(r -> assertThat(r).startsWith("10.0.0.1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.7", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2001:db8::1", "2a01:4f8::1"})
  void letsPublicAddressesThrough(String address) throws Exception {
    assertThat(strict.refusal(InetAddress.getByName(address))).isEmpty();
  }

  @Test
  void anAllowListNamesExactlyTheAddressesItLetsThrough() throws Exception {
    AddressPolicy policy = new AddressPolicy(Stream.of("127.0.0.1/32", "10.20.0.0/16", "fd00::/8")
        .map(Cidr::parse).toList());

    assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("10.20.255.1"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("fd00::5"))).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("127.0.0.2"))).isPresent();
    assertThat(policy.refusal(InetAddress.getByName("10.21.0.1"))).isPresent();
    assertThat(policy.refusal(InetAddress.getByName("::1"))).isPresent();
    assertThat(policy.refusal(InetAddress.getByName("169.254.169.254"))).isPresent();
  }

  @Test
  void anEmptyAllowListAllowsNothingInternal() throws Exception {
    AddressPolicy policy = new AddressPolicy(List.of());

    assertThat(policy.allowed()).isEmpty();
    assertThat(policy.refusal(InetAddress.getByName("127.0.0.1"))).isPresent();
  }

  @Test
  void badAllowListEntriesAreNamed() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a prefix length 0..32 for 10.0.0.0, found 33");
    assertThatThrownBy(() -> Cidr.parse("localhost")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a CIDR such as 10.0.0.0/8 or fd00::/8, found 'localhost'");
  }

  @Test
  void cidrMatchesOnPrefixBitsOnly() {
    Cidr cidr = Cidr.parse("100.64.0.0/10");

    assertThat(List.of("100.64.0.0", "100.100.100.200", "100.127.255.255"))
        .allSatisfy(a -> assertThat(cidr.contains(address(a))).as(a).isTrue());
    assertThat(List.of("100.63.255.255", "100.128.0.0", "2001:db8::1"))
        .allSatisfy(a -> assertThat(cidr.contains(address(a))).as(a).isFalse());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
