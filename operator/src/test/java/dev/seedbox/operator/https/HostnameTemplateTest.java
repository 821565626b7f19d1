package dev.seedbox.operator.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostnameTemplateTest {

  private final HostnameTemplate template = HostnameTemplate.parse(HostnameTemplate.DEFAULT);

  @Test
  void theDefaultIsTheSeedboxAndItsNamespaceUnderTheBaseDomain() {
    assertThat(template.hostname("alice-box", "customers", "seedbox.example.com"))
        .isEqualTo("alice-box-customers.seedbox.example.com");
  }

  @Test
  void aNameWithDotsStaysOneLabel() {
    assertThat(template.hostname("alice.box", "customers", "seedbox.example.com"))
        .isEqualTo("alice-box-customers.seedbox.example.com");
  }

  @Test
  void aLabelTooLongIsCutAndHashedSoThatItStaysStableAndUnique() {
    String name = "a".repeat(60);
    String first = template.hostname(name, "team-a", "seedbox.example.com");
    String second = template.hostname(name, "team-b", "seedbox.example.com");

    assertThat(first.split("\\.")[0]).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    assertThat(first).isEqualTo(template.hostname(name, "team-a", "seedbox.example.com")).isNotEqualTo(second);
  }

  @Test
  void aVeryLongBaseDomainStillGivesANameOfAtMost253Characters() {
    String domain = String.join(".", java.util.Collections.nCopies(3, "d".repeat(60))) + ".example.com";
    HostnameTemplate dotted = HostnameTemplate.parse("{name}.{namespace}");

    String hostname = dotted.hostname("b".repeat(63), "c".repeat(63), domain);

    assertThat(hostname).hasSizeLessThanOrEqualTo(253).endsWith("." + domain);
  }

  @Test
  void aTemplateMustNameBothTheSeedboxAndItsNamespaceAndHoldOnlyDnsCharacters() {
    assertThatThrownBy(() -> HostnameTemplate.parse("{name}")).hasMessageContaining("both {name} and {namespace}");
    assertThatThrownBy(() -> HostnameTemplate.parse("{name}-{namespace}-{plan}")).hasMessageContaining("{plan}");
    assertThatThrownBy(() -> HostnameTemplate.parse("{name}_{namespace}")).hasMessageContaining("only a-z");
    assertThatThrownBy(() -> HostnameTemplate.parse("{name}..{namespace}")).hasMessageContaining("no empty label");
    assertThat(HostnameTemplate.parse("web-{name}.{namespace}").hostname("x", "y", "example.com"))
        .isEqualTo("web-x.y.example.com");
  }

  @Test
  void aBaseDomainIsALowerCaseDnsNameWithADot() {
    assertThat(HostnameTemplate.validDomain("seedbox.example.com")).isTrue();
    assertThat(HostnameTemplate.validDomain("localhost")).isFalse();
    assertThat(HostnameTemplate.validDomain("Seedbox.Example.com")).isFalse();
    assertThat(HostnameTemplate.validDomain("-bad.example.com")).isFalse();
  }
}
