package dev.seedbox.ledger.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code verify} found: the chain walked against the last published head, the events left unsealed longer
 * than the limit, and the events the sealer could not seal. It passes only when all three are clean.
 */
public record ChainReport(SealVerification chain, Optional<ChainHead> published, Duration unsealedLimit,
    List<Long> overdueEventIds, List<String> faults) {

  public boolean passed() {
    return chain instanceof SealVerification.Intact && overdueEventIds.isEmpty() && faults.isEmpty();
  }

  /** One line per finding, for the command's output. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    if (chain instanceof SealVerification.Intact intact) {
      lines.add("audit chain intact: " + intact.sealsChecked() + " seals"
          + published.map(h -> ", matches the published head " + h).orElse(
              "; no published head given (SEEDBOX_AUDIT_HEAD), so truncation and rewrites cannot be detected"));
    } else if (chain instanceof SealVerification.Broken broken) {
      lines.add("audit chain BROKEN at seal " + broken.seq() + " (event " + broken.eventId() + "): "
          + broken.reason());
    }
    if (!overdueEventIds.isEmpty()) {
      lines.add(overdueEventIds.size() + " audit events unsealed for longer than " + unsealedLimit + ", first ids "
          + overdueEventIds.subList(0, Math.min(10, overdueEventIds.size())));
    }
    faults.forEach(f -> lines.add("audit event could not be sealed: " + f));
    return lines;
  }
}
