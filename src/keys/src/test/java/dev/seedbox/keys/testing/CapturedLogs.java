package dev.seedbox.keys.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM in memory (attached to the root logger, with the root level lowered while it is
 * attached), so a test can search what was logged, including exception messages and stack traces.
 */
public final class CapturedLogs extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<String> excludedLoggers;
  private final Logger root;
  private final Level previousLevel;

  private CapturedLogs(Level level, List<String> excludedLoggers) {
    this.excludedLoggers = List.copyOf(excludedLoggers);
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    setContext(root.getLoggerContext());
    setName("captured-logs");
    start();
    root.addAppender(this);
    root.setLevel(level);
  }

  /** Captures from now on at {@code level} and below (DEBUG catches the libraries' detail too). */
  public static CapturedLogs attach(Level level) {
    return new CapturedLogs(level, List.of());
  }

  /**
   * Like {@link #attach(Level)}, but ignores loggers under the given prefixes: for stand-ins of the stores themselves
   * (the fabric8 mock API server logs the objects it stores at DEBUG, as a real API server's audit log might).
   */
  public static CapturedLogs attachExcluding(Level level, String... loggerPrefixes) {
    return new CapturedLogs(level, List.of(loggerPrefixes));
  }

  @Override
  protected void append(ILoggingEvent event) {
    for (String prefix : excludedLoggers) {
      if (event.getLoggerName().startsWith(prefix)) {
        return;
      }
    }
    StringBuilder line = new StringBuilder()
        .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(" - ")
        .append(event.getFormattedMessage());
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append("\n").append(t.getClassName()).append(": ").append(t.getMessage());
      for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
        line.append("\n\tat ").append(frame.getSTEAsString());
      }
    }
    lines.add(line.toString());
  }

  public List<String> lines() {
    return new ArrayList<>(lines);
  }

  public String text() {
    return String.join("\n", lines);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    root.setLevel(previousLevel);
    stop();
  }
}
