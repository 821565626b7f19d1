package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, attack 9, for the billing-controller: with its production logback.xml and {@code LOG_LEVEL=TRACE},
 * everything of ours logs at TRACE while the loggers that can print HTTP bodies (the gateway's API key, bearer
 * tokens), SSH packets or SQL parameters stay at WARN.
 */
class BodyLoggersStayQuietTest {

  private static final List<String> BODY_LOGGERS = List.of("io.fabric8.kubernetes.client.http.HttpLoggingInterceptor",
      "io.vertx.core.http", "io.netty.handler.logging.LoggingHandler", "okhttp3.logging", "jdk.httpclient.HttpClient",
      "jdk.internal.httpclient.debug", "com.sun.net.httpserver", "org.postgresql.core.v3", "org.jdbi.v3.core");

  @AfterEach
  void restoreTestLogging() throws JoranException {
    configure(getClass().getResource("/logback-test.xml"), "INFO");
  }

  @Test
  void atTraceOurLoggersTraceAndBodyLoggersStayAtWarn() throws JoranException {
    URL production = getClass().getResource("/logback.xml");
    assertThat(production.getPath()).doesNotContain("test-classes");

    configure(production, "TRACE");

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(context.getLogger("dev.seedbox.billing").getEffectiveLevel()).isEqualTo(Level.TRACE);
    for (String name : BODY_LOGGERS) {
      Logger logger = context.getLogger(name);
      assertThat(logger.getEffectiveLevel()).as(name).isEqualTo(Level.WARN);
    }
  }

  private static void configure(URL config, String level) throws JoranException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("LOG_LEVEL", level);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);
  }
}
