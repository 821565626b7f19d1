package dev.seedbox.hostchannel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HostScriptTest {

  /** The channel refuses answers of another version as outdated, so a bump on one side alone breaks every server. */
  @Test
  void theScriptAnswersWithTheVersionTheChannelExpects() {
    Matcher version = Pattern.compile("(?m)^VERSION = (\\d+)$").matcher(HostScript.text());
    assertThat(version.find()).as("the script declares VERSION = <n>").isTrue();
    assertThat(Integer.parseInt(version.group(1))).isEqualTo(HostScript.VERSION);
  }
}
