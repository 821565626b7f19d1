package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerPollsTest {

  private static final Duration LONG = Duration.ofMinutes(5);

  @Test
  void aRunningOrBootingServerIsReusedWithinTheWindowInTheSamePhaseOnly() {
    ServerPolls polls = new ServerPolls();
    Server running = new Server.Running("100.64.0.1", "http://100.64.0.1:8080");
    polls.record("a", Phase.ACTIVE, running);
    polls.record("b", Phase.PROVISIONING, new Server.Creating());

    assertThat(polls.recent("a", Phase.ACTIVE, LONG)).get().extracting(ServerPolls.Seen::server).isEqualTo(running);
    assertThat(polls.recent("b", Phase.PROVISIONING, LONG)).get().extracting(ServerPolls.Seen::server)
        .isInstanceOf(Server.Creating.class);
    assertThat(polls.recent("a", Phase.SUSPENDED, LONG)).as("another phase asks again").isEmpty();
    assertThat(polls.recent("b", Phase.ACTIVE, LONG)).isEmpty();
    assertThat(polls.recent("a", Phase.ACTIVE, Duration.ZERO)).as("older than the window").isEmpty();
    assertThat(polls.recent("c", Phase.ACTIVE, LONG)).isEmpty();
  }

  @Test
  void failuresStoppedAndVanishedServersAreAskedAgainAndForgetWhatWasSeen() {
    ServerPolls polls = new ServerPolls();
    polls.record("a", Phase.ACTIVE, new Server.Running("100.64.0.1", "http://100.64.0.1:8080"));
    polls.record("a", Phase.ACTIVE, new Server.Unreachable(new ProviderFailure(true, null, "503")));
    assertThat(polls.recent("a", Phase.ACTIVE, LONG)).isEmpty();

    polls.record("b", Phase.ACTIVE, new Server.Stopped());
    polls.record("c", Phase.ACTIVE, new Server.Vanished());
    polls.record("d", Phase.TERMINATING, new Server.Running("100.64.0.2", "http://100.64.0.2:8080"));
    assertThat(polls.recent("b", Phase.ACTIVE, LONG)).isEmpty();
    assertThat(polls.recent("c", Phase.ACTIVE, LONG)).isEmpty();
    assertThat(polls.recent("d", Phase.TERMINATING, LONG)).isEmpty();

    polls.record("e", Phase.ACTIVE, new Server.Running("100.64.0.3", "http://100.64.0.3:8080"));
    polls.forget("e");
    assertThat(polls.recent("e", Phase.ACTIVE, LONG)).isEmpty();
  }
}
