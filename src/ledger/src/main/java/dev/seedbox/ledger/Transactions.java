package dev.seedbox.ledger;

import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Standalone calls run in their own READ COMMITTED transaction (writers serialise on the account row) and retry on
 * deadlock or serialisation failure; calls given a caller's Handle join its transaction and leave retries to it.
 * Modules that compose several ledger calls in one transaction (the billing-controller) run it through {@link #run}.
 */
public final class Transactions {

  private static final int ATTEMPTS = 5;

  private Transactions() {}

  /** Runs {@code work} in its own transaction, again on deadlock or serialisation failure (up to 5 times). */
  public static <T> T run(Jdbi jdbi, HandleCallback<T, RuntimeException> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        // READ COMMITTED is PostgreSQL's default; setting it per transaction would cost two round trips
        return jdbi.inTransaction(work);
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !retryable(e)) {
          throw e;
        }
      }
    }
  }

  /** Runs in the caller's transaction, or opens one if the handle has none. */
  static <T> T join(Handle handle, HandleCallback<T, RuntimeException> work) {
    return handle.isInTransaction() ? work.withHandle(handle) : handle.inTransaction(work::withHandle);
  }

  static boolean retryable(Throwable e) {
    return "40001".equals(sqlState(e)) || "40P01".equals(sqlState(e));
  }

  static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}
