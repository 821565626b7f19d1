package dev.seedbox.provisioning.client;

import dev.seedbox.hostchannel.webui.WebUiExchange;
import java.net.http.HttpClient;
import java.time.Duration;

/** How every profile talks to its client's web UI: short timeouts, and redirects never followed (a login answers). */
final class WebUiHttp {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private WebUiHttp() {
  }

  static WebUiExchange exchange(HttpClient webUi) {
    return new WebUiExchange(webUi, TIMEOUT);
  }
}
