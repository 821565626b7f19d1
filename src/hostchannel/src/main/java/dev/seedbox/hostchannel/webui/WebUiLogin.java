package dev.seedbox.hostchannel.webui;

import java.net.URI;

/** Logs in to a seedbox's web UI as the customer would: the check behind "Active means the customer can log in". */
@FunctionalInterface
public interface WebUiLogin {

  LoginCheck login(URI webUi, String username, String password);
}
