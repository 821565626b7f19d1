package dev.seedbox.devstack;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live view of the dev stack: a table of resources (phase, conditions, balance) under the scenario's step lines.
 * On a terminal the table is redrawn in place with ANSI cursor movement; otherwise (a pipe, a CI log) a snapshot
 * is appended only when it differs from the last one printed, so logs stay readable.
 */
public final class ProgressTable {

  private static final String[] HEADER = {"RESOURCE", "PHASE", "CONDITIONS", "BALANCE"};
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final boolean ansi;
  private int drawnLines;
  private String lastPlain = "";

  public ProgressTable(PrintStream out, boolean ansi) {
    this.out = out;
    this.ansi = ansi;
  }

  /** ANSI redraw when stdout is an interactive terminal (and the user did not ask for plain output). */
  public static ProgressTable forStdout() {
    boolean tty = System.console() != null && !"dumb".equals(System.getenv("TERM"))
        && System.getenv("NO_COLOR") == null;
    return new ProgressTable(System.out, tty);
  }

  /** A line above the table (a scenario step, a hint), kept in the scroll-back. */
  public synchronized void say(String line) {
    clearTable();
    out.println(line);
    drawnLines = 0;
    out.flush();
  }

  /** Shows the snapshot: redrawn in place on a terminal, appended when changed otherwise. */
  public synchronized void show(Snapshot snapshot, Instant now) {
    List<String> lines = render(snapshot, now);
    if (ansi) {
      clearTable();
      lines.forEach(out::println);
      drawnLines = lines.size();
    } else {
      // the clock line changes every time; compare the table alone
      String table = String.join("\n", lines.subList(1, lines.size()));
      if (table.equals(lastPlain)) {
        return;
      }
      lastPlain = table;
      lines.forEach(out::println);
      out.println();
    }
    out.flush();
  }

  private void clearTable() {
    if (ansi && drawnLines > 0) {
      // up to the first line of the table, then erase to the end of the screen
      out.print("\033[" + drawnLines + "F\033[J");
    }
    drawnLines = 0;
  }

  static List<String> render(Snapshot snapshot, Instant now) {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    for (Snapshot.Row row : snapshot.rows()) {
      cells.add(new String[] {row.resource(), row.phase().isEmpty() ? "-" : row.phase(),
          row.conditions().isEmpty() ? "-" : row.conditions(), row.balanceCents().map(ProgressTable::usd).orElse("")});
    }
    int[] widths = new int[HEADER.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("-- dev clock " + DAY.format(now) + " UTC " + "-".repeat(40));
    for (String[] line : cells) {
      StringBuilder b = new StringBuilder("  ");
      for (int i = 0; i < line.length; i++) {
        b.append(String.format("%-" + widths[i] + "s", line[i]));
        if (i < line.length - 1) {
          b.append("   ");
        }
      }
      lines.add(b.toString().stripTrailing());
    }
    return lines;
  }

  static String usd(long cents) {
    // integer arithmetic: money never goes through floating point, not even for display
    String sign = cents < 0 ? "-" : "";
    long abs = Math.abs(cents);
    return String.format(Locale.ROOT, "%s$%d.%02d", sign, abs / 100, abs % 100);
  }
}
