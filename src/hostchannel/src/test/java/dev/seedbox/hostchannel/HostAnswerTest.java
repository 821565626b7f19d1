package dev.seedbox.hostchannel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostAnswerTest {

  @Test
  void aSuccessfulAnswerOfTheCurrentVersionIsDone() {
    HostReply reply = SshHostChannel.answer(HostVerb.HEALTH, 0,
        "some noise\n{\"ok\": true, \"running\": true, \"version\": " + HostScript.VERSION + "}\n", "");
    assertThat(reply).isInstanceOf(HostReply.Done.class);
    assertThat(((HostReply.Done) reply).body().path("running").asBoolean()).isTrue();
  }

  @Test
  void anAnswerFromAnotherScriptVersionIsRefusedAsOutdated() {
    HostReply reply = SshHostChannel.answer(HostVerb.HEALTH, 0, "{\"ok\": true, \"version\": 0}", "");
    assertThat(reply).isEqualTo(new HostReply.Refused("HostScriptOutdated",
        "the server's host script is version 0; expected " + HostScript.VERSION));
  }

  @Test
  void theScriptsOwnRefusalKeepsItsReason() {
    HostReply reply = SshHostChannel.answer(HostVerb.START, 3,
        "{\"ok\": false, \"reason\": \"CredentialsNotSet\", \"message\": \"slot sb-abcd has no web UI credentials yet\","
            + " \"version\": 1}", "");
    assertThat(reply).isEqualTo(new HostReply.Refused("CredentialsNotSet", "slot sb-abcd has no web UI credentials yet"));
  }

  @Test
  void aSuccessExitWithoutOkIsNotDone() {
    assertThat(SshHostChannel.answer(HostVerb.START, 1, "{\"ok\": true, \"version\": 1}", ""))
        .isInstanceOf(HostReply.Refused.class);
  }

  @Test
  void sudoRefusingTheScriptIsNamed() {
    HostReply reply = SshHostChannel.answer(HostVerb.VERSION, 1, "", "sudo: a password is required\n");
    assertThat(reply).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).isEqualTo("SudoRefused");
  }

  @Test
  void sudoNotFindingTheScriptMeansTheScriptIsMissing() {
    HostReply reply = SshHostChannel.answer(HostVerb.VERSION, 1, "",
        "sudo: " + HostScript.PATH + ": command not found\n");
    assertThat(reply).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).isEqualTo("HostScriptMissing");
  }

  @Test
  void noAnswerAtAllMeansTheScriptIsMissing() {
    HostReply reply = SshHostChannel.answer(HostVerb.VERSION, 127, "",
        "bash: /usr/local/libexec/seedbox/seedbox-host: No such file or directory");
    assertThat(reply).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).isEqualTo("HostScriptMissing");
    assertThat(reply.message()).contains("exited 127");
  }

  @Test
  void theSudoRuleNamesTheScriptAndNothingElse() {
    assertThat(HostScript.sudoersRule("seedbox")).isEqualTo("seedbox ALL=(root) NOPASSWD: " + HostScript.PATH + "\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HostScript.sudoersRule("root ALL=(ALL) ALL"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
