package dev.seedbox.hostchannel.webui;

/** What logging in to a client's web UI as the customer came to. */
public sealed interface LoginCheck {

  String message();

  record Accepted() implements LoginCheck {
    @Override
    public String message() {
      return "the web UI accepted the credentials";
    }
  }

  /** The web UI answered and refused the credentials. */
  record Rejected(String message) implements LoginCheck {
  }

  /** No usable answer: nothing listens, a timeout, or an answer that is not the client's. */
  record Unreachable(String message) implements LoginCheck {
  }
}
