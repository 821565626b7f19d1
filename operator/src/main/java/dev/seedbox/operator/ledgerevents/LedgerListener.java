package dev.seedbox.operator.ledgerevents;

import dev.seedbox.ledger.LedgerNotifications;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection doing {@code LISTEN seedbox_ledger} for the whole process, fanning each notification (a
 * BillingAccount UID) out to its subscribers, the {@link LedgerChangeEventSource}s. A lost connection is reopened
 * with back-off; notifications sent while it was down are lost, which the controllers' periodic resync covers.
 */
public final class LedgerListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerListener.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final CopyOnWriteArrayList<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;

  /** {@code dataSource} lends one connection for good (the listener holds it while it is up). */
  public LedgerListener(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.thread = new Thread(this::run, "seedbox-ledger-listener");
    this.thread.setDaemon(true);
  }

  public LedgerListener start() {
    thread.start();
    return this;
  }

  public void subscribe(Consumer<String> subscriber) {
    subscribers.add(subscriber);
  }

  public void unsubscribe(Consumer<String> subscriber) {
    subscribers.remove(subscriber);
  }

  /** True while the LISTEN connection is up. */
  public boolean listening() {
    return listening;
  }

  private void run() {
    Duration backoff = Duration.ofMillis(200);
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + LedgerNotifications.CHANNEL);
        }
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        listening = true;
        backoff = Duration.ofMillis(200);
        LOG.info("listening on PostgreSQL channel {}", LedgerNotifications.CHANNEL);
        while (running) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              dispatch(notification.getParameter());
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (!running) {
          return;
        }
        LOG.warn("ledger LISTEN connection lost ({}); reconnecting in {}", e.getMessage(), backoff);
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
    listening = false;
  }

  private void dispatch(String accountUid) {
    if (accountUid == null || accountUid.isBlank()) {
      return;
    }
    for (Consumer<String> subscriber : subscribers) {
      try {
        subscriber.accept(accountUid);
      } catch (RuntimeException e) {
        LOG.warn("ledger change for account {} could not be handed to a controller: {}", accountUid, e.getMessage());
      }
    }
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
