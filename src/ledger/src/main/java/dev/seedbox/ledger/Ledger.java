package dev.seedbox.ledger;

import dev.seedbox.ledger.Settlement.AccountRow;
import dev.seedbox.ledger.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Accounts and money. Every write locks the account row first ({@code FOR NO KEY UPDATE}), so writers to one
 * account serialise and the balance_after chain stays exact; the database's entries trigger moves the cached
 * balance, and its checks refuse a negative balance. Every credit settles the account in the same transaction.
 *
 * <p>Each call comes in two forms: standalone (its own transaction, retried on deadlock) and with a caller's
 * {@link Handle} (joins the caller's transaction, so e.g. a webhook's dedupe row commits with its credit).
 *
 * <p>Idempotency keys: {@code topup:<payment key>}, {@code charge:<seedbox uid>:<n>},
 * {@code refund:charge:<seedbox uid>:<n>}, {@code adjust:<caller's key>}. The same key with the same payload returns
 * the original entry ({@link Posting#replayed()}); with a different payload it throws
 * {@link IdempotencyConflictException}.
 */
public final class Ledger {

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditLog audit;
  private final BillingPolicy policy;

  public Ledger(Jdbi jdbi, Clock clock, AuditLog audit, BillingPolicy policy) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  // ---- accounts

  /** Opens the account or copies a changed spec onto it; idempotent on the BillingAccount UID. */
  public AccountSnapshot openAccount(AccountSpec spec, String actor) {
    return Transactions.run(jdbi, h -> openAccount(h, spec, actor));
  }

  public AccountSnapshot openAccount(Handle handle, AccountSpec spec, String actor) {
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      Optional<Boolean> inserted = h.createQuery("""
              INSERT INTO seedbox_billing_accounts AS a (uid, namespace, name, owner, currency,
                  low_balance_threshold_cents, grace_period_days, state, below_threshold, created_at, updated_at)
              VALUES (:uid, :namespace, :name, :owner, :currency, :threshold, :grace,
                  CASE WHEN :threshold > 0 THEN 'LowBalance' ELSE 'Active' END, :threshold > 0, :now, :now)
              ON CONFLICT (uid) DO UPDATE
                 SET namespace = EXCLUDED.namespace, name = EXCLUDED.name, owner = EXCLUDED.owner,
                     currency = EXCLUDED.currency, low_balance_threshold_cents = EXCLUDED.low_balance_threshold_cents,
                     grace_period_days = EXCLUDED.grace_period_days, version = a.version + 1, updated_at = :now
               WHERE (a.namespace, a.name, a.owner, a.currency, a.low_balance_threshold_cents, a.grace_period_days)
                     IS DISTINCT FROM (EXCLUDED.namespace, EXCLUDED.name, EXCLUDED.owner, EXCLUDED.currency,
                                       EXCLUDED.low_balance_threshold_cents, EXCLUDED.grace_period_days)
              RETURNING (xmax = 0) AS inserted""")
          .bind("uid", spec.uid())
          .bind("namespace", spec.namespace())
          .bind("name", spec.name())
          .bind("owner", spec.owner())
          .bind("currency", spec.currency())
          .bind("threshold", spec.lowBalanceThresholdCents())
          .bind("grace", spec.gracePeriodDays())
          .bind("now", Settlement.utc(now))
          .mapTo(Boolean.class)
          .findOne();
      // a new account with a threshold starts below it: LowBalance, but no warning, since it never crossed it
      if (inserted.isPresent()) {
        audit.append(h, actor, inserted.get() ? "account.opened" : "account.updated",
            Settlement.accountResource(spec.uid()), Map.of("namespace", spec.namespace(), "name", spec.name(),
                "lowBalanceThresholdCents", spec.lowBalanceThresholdCents(),
                "gracePeriodDays", spec.gracePeriodDays()));
        // a new threshold can change the standing
        policy.settle(h, spec.uid(), actor, true);
      }
      return account(h, spec.uid()).orElseThrow();
    });
  }

  public Optional<AccountSnapshot> account(String uid) {
    return jdbi.withHandle(h -> account(h, uid));
  }

  public Optional<AccountSnapshot> account(Handle h, String uid) {
    return h.createQuery("""
            SELECT a.*, coalesce((SELECT sum(r.price_cents) FROM seedbox_resources r
                                   WHERE r.account_uid = a.uid AND r.phase NOT IN ('Terminated', 'Failed')), 0) AS burn
              FROM seedbox_billing_accounts a WHERE a.uid = :uid""")
        .bind("uid", uid)
        .map((rs, ctx) -> snapshot(rs))
        .findOne();
  }

  /**
   * The account a BillingAccount namespace/name currently names: the newest opened, since a deleted and recreated
   * BillingAccount gets a new UID while its old row stays for the record.
   */
  public Optional<AccountSnapshot> accountByName(String namespace, String name) {
    return jdbi.withHandle(h -> accountByName(h, namespace, name));
  }

  public Optional<AccountSnapshot> accountByName(Handle h, String namespace, String name) {
    return h.createQuery("""
            SELECT uid FROM seedbox_billing_accounts WHERE namespace = :namespace AND name = :name
             ORDER BY created_at DESC, uid LIMIT 1""")
        .bind("namespace", namespace)
        .bind("name", name)
        .mapTo(String.class)
        .findOne()
        .flatMap(uid -> account(h, uid));
  }

  public long balance(String accountUid) {
    return account(accountUid).orElseThrow(() -> new UnknownRecordException("billing account", accountUid))
        .balanceCents();
  }

  /** The newest entries first. */
  public List<LedgerEntry> history(String accountUid, int limit) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT * FROM seedbox_ledger_entries WHERE account_uid = :uid ORDER BY id DESC LIMIT :limit")
        .bind("uid", accountUid)
        .bind("limit", limit)
        .map((rs, ctx) -> entry(rs))
        .list());
  }

  public Optional<LedgerEntry> entry(String idempotencyKey) {
    return jdbi.withHandle(h -> findByKey(h, idempotencyKey));
  }

  // ---- money

  /**
   * Credits a payment the gateway confirmed outside a webhook (e.g. its answer to a poll), named by the gateway's
   * payment id, once, for its amount, and settles the account in the same transaction. The credit itself is the one
   * the webhooks use ({@code seedbox_credit_payment}): our payment row carrying that gateway id is credited, and a
   * row is recorded first when none carries it yet.
   *
   * @throws IdempotencyConflictException the gateway payment is already recorded for another account or amount
   */
  public Posting creditTopUp(String accountUid, String paymentKey, long amountCents, String actor) {
    return Transactions.run(jdbi, h -> creditTopUp(h, accountUid, paymentKey, amountCents, actor));
  }

  public Posting creditTopUp(Handle handle, String accountUid, String paymentKey, long amountCents, String actor) {
    if (amountCents <= 0) {
      throw new IllegalArgumentException("a top-up must be positive, got " + amountCents + " cents");
    }
    Objects.requireNonNull(paymentKey, "paymentKey");
    requireActor(actor);
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      if (h.createQuery("SELECT count(*) FROM seedbox_billing_accounts WHERE uid = :uid").bind("uid", accountUid)
          .mapTo(Long.class).one() == 0) {
        throw new UnknownRecordException("billing account", accountUid);
      }
      h.createUpdate("""
              INSERT INTO seedbox_payments (id, account_uid, amount_cents, blockchain, gateway_payment_id, created_at,
                                            updated_at)
              VALUES (:id, :account, :amount, 'confirmed-out-of-band', :gw, :now, :now)
              ON CONFLICT (gateway_payment_id) DO NOTHING""")
          .bind("id", UUID.randomUUID()).bind("account", accountUid).bind("amount", amountCents)
          .bind("gw", paymentKey).bind("now", Settlement.utc(now)).execute();
      Map<String, Object> recorded = h.createQuery(
              "SELECT id, account_uid, amount_cents FROM seedbox_payments WHERE gateway_payment_id = :gw")
          .bind("gw", paymentKey).mapToMap().one();
      if (!accountUid.equals(recorded.get("account_uid")) || amountCents != (Long) recorded.get("amount_cents")) {
        throw new IdempotencyConflictException("topup:" + paymentKey,
            "a TopUp of " + amountCents + " cents to account " + accountUid,
            "gateway payment " + paymentKey + " recorded as " + recorded.get("amount_cents") + " cents for account "
                + recorded.get("account_uid"));
      }
      CreditRow row = creditPayment(h, (UUID) recorded.get("id"), actor, now);
      if (row.outcome().equals("conflict")) {
        throw conflict(row, actor);
      }
      LedgerEntry entry = h.createQuery("SELECT * FROM seedbox_ledger_entries WHERE id = :id")
          .bind("id", row.entryId()).map((rs, ctx) -> entry(rs)).one();
      return new Posting(entry, row.outcome().equals("replayed"));
    });
  }

  /**
   * Credits our payment row {@code paymentId} through {@code seedbox_credit_payment} and settles the account when
   * the database says settling could change something (otherwise it has sent the NOTIFY settling would have sent).
   */
  private CreditRow creditPayment(Handle h, UUID paymentId, String actor, Instant now) {
    CreditRow row = h.createQuery("SELECT * FROM seedbox_credit_payment(:payment, :actor, :now, :channel)")
        .bind("payment", paymentId).bind("actor", actor).bind("now", Settlement.utc(now))
        .bind("channel", LedgerNotifications.CHANNEL)
        .map((rs, ctx) -> CreditRow.read(rs))
        .one();
    return settled(h, row, actor);
  }

  private CreditRow settled(Handle h, CreditRow row, String actor) {
    if (row.outcome().equals("credited") && row.settleNeeded()) {
      policy.settle(h, row.accountUid(), actor, true);
    }
    return row;
  }

  private static IdempotencyConflictException conflict(CreditRow row, String actor) {
    String key = "topup:" + row.paymentId();
    Draft asked = new Draft(row.accountUid(), EntryKind.TopUp, row.amountCents(), key, null, null,
        row.paymentId().toString(), null, null, actor);
    Map<String, Object> found = new LinkedHashMap<>();
    found.put("account", row.foundAccountUid());
    found.put("kind", row.foundKind());
    found.put("amountCents", row.foundAmountCents());
    found.put("paymentKey", row.foundPaymentKey());
    return new IdempotencyConflictException(key, asked.payload().toString(),
        row.entryId() == null ? "an entry of another account" : found.toString());
  }

  /**
   * Credits the payment row a paid webhook names, in the caller's transaction and in one database call
   * ({@code seedbox_credit_paid_webhook}, migration V2): dedupe on (gateway payment id, event type), lock the payment
   * row then the account row, post the top-up keyed {@code topup:<our payment id>} with the amount from OUR row, mark
   * the row credited, record the last top-up and the audit event. The account is then settled in the same
   * transaction when settling could change anything (a held or due seedbox, or a standing or threshold change);
   * otherwise the call only NOTIFYs, which is all settling would have done.
   *
   * @param paymentId our payment id when the caller already matched the row, or {@code null} to match the row that
   *     carries {@code gatewayPaymentId}
   * @throws IdempotencyConflictException the row's key names an entry with another payload (nothing is credited;
   *     the caller's transaction must roll back)
   */
  public PaymentCredit creditPaidWebhook(Handle handle, UUID paymentId, String gatewayPaymentId,
      String eventType, String eventId, String actor) {
    Objects.requireNonNull(gatewayPaymentId, "gatewayPaymentId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(eventId, "eventId");
    requireActor(actor);
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      CreditRow row = settled(h, h.createQuery("""
              SELECT * FROM seedbox_credit_paid_webhook(CAST(:payment AS uuid), :gw, :type, :event, :actor, :now,
                                                        :channel)""")
          .bindByType("payment", paymentId, UUID.class)
          .bind("gw", gatewayPaymentId).bind("type", eventType).bind("event", eventId).bind("actor", actor)
          .bind("now", Settlement.utc(now)).bind("channel", LedgerNotifications.CHANNEL)
          .map((rs, ctx) -> CreditRow.read(rs))
          .one(), actor);
      return switch (row.outcome()) {
        case "unknown_payment" -> new PaymentCredit.UnknownPayment();
        case "already_processed" -> new PaymentCredit.AlreadyProcessed(row.paymentId());
        case "replayed" -> new PaymentCredit.Replayed(row.paymentId(), row.accountUid(), row.amountCents(),
            row.entryId());
        case "credited" -> new PaymentCredit.Credited(row.paymentId(), row.accountUid(), row.amountCents(),
            row.entryId(), row.balanceAfterCents());
        case "conflict" -> throw conflict(row, actor);
        default -> throw new IllegalStateException("seedbox_credit_paid_webhook answered '" + row.outcome()
            + "'; expected unknown_payment, already_processed, replayed, conflict or credited");
      };
    });
  }

  /**
   * Credits several paid webhooks in the caller's transaction with one database call ({@code
   * seedbox_credit_paid_webhooks}, migration V3): group commit for a burst of webhooks. Each credited item writes
   * exactly what {@link #creditPaidWebhook} writes for it; the accounts that need settling are then settled in uid
   * order, once each, on their balance after the batch. Only the common case is done here: an item whose row was
   * credited or confirmed before comes back {@link PaymentCredit.Deferred} and one that no row carries
   * {@link PaymentCredit.UnknownPayment}, with nothing written for either, for the caller to run alone.
   *
   * @param webhooks each gateway payment id at most once
   * @return one answer per webhook, in order
   * @throws IdempotencyConflictException an item's entry key is taken; the other items' rows are written, so the
   *     caller's transaction must roll back, and the items run one by one, where {@link #creditPaidWebhook} names the
   *     entry
   */
  public List<PaymentCredit> creditPaidWebhooks(Handle handle, List<PaidWebhook> webhooks, String actor) {
    requireActor(actor);
    int n = webhooks.size();
    String[] gatewayIds = new String[n];
    String[] types = new String[n];
    String[] eventIds = new String[n];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      PaidWebhook webhook = webhooks.get(i);
      if (!seen.add(webhook.gatewayPaymentId())) {
        throw new IllegalArgumentException("expected each gateway payment id once in a batch, found "
            + webhook.gatewayPaymentId() + " twice");
      }
      gatewayIds[i] = webhook.gatewayPaymentId();
      types[i] = webhook.eventType();
      eventIds[i] = webhook.eventId();
    }
    if (n == 0) {
      return List.of();
    }
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      List<BatchCreditRow> rows = h.createQuery("""
              SELECT * FROM seedbox_credit_paid_webhooks(:gw, :types, :events, :actor, :now, :channel)""")
          .bindArray("gw", String.class, (Object[]) gatewayIds)
          .bindArray("types", String.class, (Object[]) types)
          .bindArray("events", String.class, (Object[]) eventIds)
          .bind("actor", actor).bind("now", Settlement.utc(now)).bind("channel", LedgerNotifications.CHANNEL)
          .map((rs, ctx) -> BatchCreditRow.read(rs))
          .list();
      if (rows.size() != n) {
        throw new IllegalStateException("seedbox_credit_paid_webhooks answered " + rows.size() + " rows for " + n
            + " webhooks");
      }
      List<PaymentCredit> credits = new ArrayList<>(n);
      SortedSet<String> toSettle = new TreeSet<>();
      for (BatchCreditRow row : rows) {
        switch (row.outcome()) {
          case "unknown_payment" -> credits.add(new PaymentCredit.UnknownPayment());
          case "one_by_one" -> credits.add(new PaymentCredit.Deferred(row.paymentId()));
          case "already_processed" -> credits.add(new PaymentCredit.AlreadyProcessed(row.paymentId()));
          case "credited" -> {
            credits.add(new PaymentCredit.Credited(row.paymentId(), row.accountUid(), row.amountCents(),
                row.entryId(), row.balanceAfterCents()));
            if (row.settleNeeded()) {
              toSettle.add(row.accountUid());
            }
          }
          case "conflict" -> throw new IdempotencyConflictException("topup:" + row.paymentId(),
              "a TopUp of " + row.amountCents() + " cents to account " + row.accountUid(),
              "another entry (run this webhook alone to see which)");
          default -> throw new IllegalStateException("seedbox_credit_paid_webhooks answered '" + row.outcome()
              + "'; expected unknown_payment, one_by_one, already_processed, conflict or credited");
        }
      }
      for (String accountUid : toSettle) {
        policy.settle(h, accountUid, actor, true);
      }
      return credits;
    });
  }

  private record BatchCreditRow(String outcome, UUID paymentId, String accountUid, long amountCents, Long entryId,
      long balanceAfterCents, boolean settleNeeded) {

    static BatchCreditRow read(ResultSet rs) throws SQLException {
      return new BatchCreditRow(rs.getString("outcome"), rs.getObject("payment_id", UUID.class),
          rs.getString("account_uid"), rs.getLong("amount_cents"), (Long) rs.getObject("entry_id"),
          rs.getLong("balance_after_cents"), rs.getBoolean("settle_needed"));
    }
  }

  private record CreditRow(String outcome, UUID paymentId, String accountUid, long amountCents, Long entryId,
      long balanceAfterCents, boolean settleNeeded, String foundAccountUid, String foundKind, Long foundAmountCents,
      String foundPaymentKey) {

    static CreditRow read(ResultSet rs) throws SQLException {
      return new CreditRow(rs.getString("outcome"), rs.getObject("payment_id", UUID.class),
          rs.getString("account_uid"), rs.getLong("amount_cents"), (Long) rs.getObject("entry_id"),
          rs.getLong("balance_after_cents"), rs.getBoolean("settle_needed"), rs.getString("found_account_uid"),
          rs.getString("found_kind"), (Long) rs.getObject("found_amount_cents"), rs.getString("found_payment_key"));
    }
  }

  /**
   * Records the seedbox row and posts its first period (charge 0) in one transaction. A rerun returns the original
   * charge and charges nothing. Refuses with {@link InsufficientCreditException} when the balance does not cover the
   * price or the account is suspended for non-payment; nothing is written then.
   */
  public Posting startProvisioning(SeedboxOrder order, String actor) {
    return Transactions.run(jdbi, h -> startProvisioning(h, order, actor));
  }

  public Posting startProvisioning(Handle handle, SeedboxOrder order, String actor) {
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      AccountRow account = lock(h, order.accountUid());
      Optional<SeedboxRecord> existing = SeedboxRecords.find(h, order.seedboxUid());
      String key = chargeKey(order.seedboxUid(), 0);
      if (existing.isPresent()) {
        SeedboxRecord row = existing.get();
        if (!row.accountUid().equals(order.accountUid())) {
          throw new IdempotencyConflictException(key, "account " + order.accountUid(),
              "seedbox " + row.seedboxUid() + " of account " + row.accountUid());
        }
        LedgerEntry charge = findByKey(h, key).orElseThrow(() -> new IllegalStateException(
            "seedbox " + order.seedboxUid() + " has a row but no charge 0"));
        return new Posting(charge, true);
      }
      if (account.state() == AccountStanding.SUSPENDED) {
        throw new InsufficientCreditException(account.uid(), "account " + account.uid()
            + " cannot start seedbox " + order.seedboxUid() + ": expected an account in good standing, found it "
            + "Suspended for non-payment with balance " + account.balanceCents() + " cents");
      }
      if (account.balanceCents() < order.priceCents()) {
        throw new InsufficientCreditException(account.uid(), order.priceCents(), account.balanceCents(),
            "the first period of seedbox " + order.seedboxUid());
      }
      h.createUpdate("""
              INSERT INTO seedbox_resources (seedbox_uid, account_uid, namespace, name, plan, price_cents, phase,
                                             created_at, updated_at)
              VALUES (:uid, :account, :namespace, :name, :plan, :price, :phase, :now, :now)""")
          .bind("uid", order.seedboxUid()).bind("account", order.accountUid()).bind("namespace", order.namespace())
          .bind("name", order.name()).bind("plan", order.plan()).bind("price", order.priceCents())
          .bind("phase", order.phase().wireName()).bind("now", Settlement.utc(now))
          .execute();
      Posting posting = post(h, new Draft(order.accountUid(), EntryKind.Charge, -order.priceCents(), key,
          order.seedboxUid(), 0, null, null, null, actor), now);
      Instant paidThrough = SeedboxRecords.find(h, order.seedboxUid()).orElseThrow().paidThrough();
      audit.append(h, actor, "seedbox.provisioning-charged", Settlement.seedboxResource(order.seedboxUid()), Map.of(
          "account", order.accountUid(), "namespace", order.namespace(), "name", order.name(), "plan", order.plan(),
          "priceCents", order.priceCents(), "paidThrough", paidThrough.toString()));
      policy.settle(h, order.accountUid(), actor, true);
      return posting;
    });
  }

  /**
   * Refunds charge {@code period} of a seedbox by a compensating entry (key {@code refund:charge:<uid>:<n>}), e.g.
   * charge 0 when provisioning fails. Idempotent; settles the account.
   */
  public Posting refundCharge(String seedboxUid, int period, String reason, String actor) {
    return Transactions.run(jdbi, h -> refundCharge(h, seedboxUid, period, reason, actor));
  }

  public Posting refundCharge(Handle handle, String seedboxUid, int period, String reason, String actor) {
    requireReason(reason);
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      SeedboxRecord row = SeedboxRecords.find(h, seedboxUid)
          .orElseThrow(() -> new UnknownRecordException("seedbox", seedboxUid));
      lock(h, row.accountUid());
      LedgerEntry charge = findByKey(h, chargeKey(seedboxUid, period))
          .orElseThrow(() -> new UnknownRecordException("charge", chargeKey(seedboxUid, period)));
      Posting posting = post(h, new Draft(charge.accountUid(), EntryKind.Refund, -charge.amountCents(),
          "refund:" + charge.idempotencyKey(), seedboxUid, period, null, charge.id(), reason, actor), now);
      if (!posting.replayed()) {
        audit.append(h, actor, "ledger.refund", Settlement.seedboxResource(seedboxUid), Map.of(
            "account", charge.accountUid(), "period", period, "amountCents", -charge.amountCents(),
            "reason", reason));
        policy.settle(h, charge.accountUid(), actor, true);
      }
      return posting;
    });
  }

  /**
   * A manual adjustment (billing dispute, goodwill credit, forfeit), signed, with a reason and the actor, audited.
   * A debit the balance cannot cover is refused.
   */
  public Posting adjust(String accountUid, String adjustmentKey, long amountCents, String reason, String actor) {
    return Transactions.run(jdbi, h -> adjust(h, accountUid, adjustmentKey, amountCents, reason, actor));
  }

  public Posting adjust(Handle handle, String accountUid, String adjustmentKey, long amountCents, String reason,
      String actor) {
    requireReason(reason);
    if (amountCents == 0) {
      throw new IllegalArgumentException("an adjustment must move money, got 0 cents");
    }
    Objects.requireNonNull(adjustmentKey, "adjustmentKey");
    return Transactions.join(handle, h -> {
      Instant now = clock.instant();
      Posting posting = post(h, new Draft(accountUid, EntryKind.Adjustment, amountCents, "adjust:" + adjustmentKey,
          null, null, null, null, reason, actor), now);
      if (!posting.replayed()) {
        audit.append(h, actor, "ledger.adjustment", Settlement.accountResource(accountUid), Map.of(
            "key", adjustmentKey, "amountCents", amountCents, "reason", reason,
            "balanceCents", posting.entry().balanceAfterCents()));
        policy.settle(h, accountUid, actor, true);
      }
      return posting;
    });
  }

  // ---- internals

  record Draft(String accountUid, EntryKind kind, long amountCents, String key, String seedboxUid, Integer period,
      String paymentKey, Long refundsEntryId, String reason, String actor) {

    Map<String, Object> payload() {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("account", accountUid);
      p.put("kind", kind);
      p.put("amountCents", amountCents);
      p.put("seedbox", seedboxUid);
      p.put("period", period);
      p.put("paymentKey", paymentKey);
      p.put("refunds", refundsEntryId);
      return p;
    }

    static Map<String, Object> payloadOf(LedgerEntry e) {
      return new Draft(e.accountUid(), e.kind(), e.amountCents(), e.idempotencyKey(), e.seedboxUid(), e.period(),
          e.paymentKey(), e.refundsEntryId(), e.reason(), e.actor()).payload();
    }
  }

  private Posting post(Handle h, Draft d, Instant now) {
    requireActor(d.actor());
    AccountRow account = lock(h, d.accountUid());
    Optional<LedgerEntry> existing = findByKey(h, d.key());
    if (existing.isPresent()) {
      Map<String, Object> found = Draft.payloadOf(existing.get());
      if (!found.equals(d.payload())) {
        throw new IdempotencyConflictException(d.key(), d.payload().toString(), found.toString());
      }
      return new Posting(existing.get(), true);
    }
    long after = account.balanceCents() + d.amountCents();
    if (after < 0) {
      throw new InsufficientCreditException(account.uid(), -d.amountCents(), account.balanceCents(),
          d.kind() + " " + d.key());
    }
    try {
      return new Posting(write(h, d, now), false);
    } catch (UnableToExecuteStatementException e) {
      if ("23505".equals(Transactions.sqlState(e))) {
        // the key or the payment is taken by another account's entry, committed after our lookup
        throw new IdempotencyConflictException(d.key(), d.payload().toString(), "an entry of another account");
      }
      throw e;
    }
  }

  /** Writes the entry through the owner-defined function of its kind, which checks the kind's rule. */
  private static LedgerEntry write(Handle h, Draft d, Instant now) {
    return switch (d.kind()) {
      case Charge -> {
        Settlement.postCharges(h, List.of(d.seedboxUid()), List.of(d.period()), d.actor(), now);
        yield findByKey(h, d.key()).orElseThrow();
      }
      case Refund -> h.createQuery("SELECT * FROM seedbox_post_refund(:entry, :amount, :reason, :actor, :now)")
          .bind("entry", d.refundsEntryId()).bind("amount", d.amountCents()).bind("reason", d.reason())
          .bind("actor", d.actor()).bind("now", Settlement.utc(now))
          .map((rs, ctx) -> entry(rs)).one();
      case Adjustment -> h.createQuery(
              "SELECT * FROM seedbox_post_adjustment(:account, :key, :amount, :reason, :actor, :now)")
          .bind("account", d.accountUid()).bind("key", d.key().substring("adjust:".length()))
          .bind("amount", d.amountCents()).bind("reason", d.reason()).bind("actor", d.actor())
          .bind("now", Settlement.utc(now))
          .map((rs, ctx) -> entry(rs)).one();
      case TopUp -> throw new IllegalStateException("a TopUp is written only by seedbox_credit_payment");
    };
  }

  static AccountRow lock(Handle h, String accountUid) {
    AccountRow row = Settlement.lock(h, List.of(accountUid)).get(accountUid);
    if (row == null) {
      throw new UnknownRecordException("billing account", accountUid);
    }
    return row;
  }

  static Optional<LedgerEntry> findByKey(Handle h, String key) {
    return h.createQuery("SELECT * FROM seedbox_ledger_entries WHERE idempotency_key = :key")
        .bind("key", key)
        .map((rs, ctx) -> entry(rs))
        .findOne();
  }

  static String chargeKey(String seedboxUid, int period) {
    return "charge:" + seedboxUid + ":" + period;
  }

  private static void requireActor(String actor) {
    if (actor == null || actor.isBlank()) {
      throw new IllegalArgumentException("actor must not be blank");
    }
  }

  private static void requireReason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a reason is required");
    }
  }

  static LedgerEntry entry(ResultSet rs) throws SQLException {
    Integer period = (Integer) rs.getObject("period");
    Long refunds = (Long) rs.getObject("refunds_entry_id");
    return new LedgerEntry(rs.getLong("id"), rs.getString("account_uid"), EntryKind.valueOf(rs.getString("kind")),
        rs.getLong("amount_cents"), rs.getLong("balance_after_cents"), rs.getString("idempotency_key"),
        rs.getString("seedbox_uid"), period, rs.getString("payment_key"), refunds, rs.getString("reason"),
        rs.getString("actor"), Settlement.instant(rs, "occurred_at"));
  }

  private static AccountSnapshot snapshot(ResultSet rs) throws SQLException {
    long balance = rs.getLong("balance_cents");
    long burn = rs.getLong("burn");
    Long runway = burn > 0 ? Math.multiplyExact(balance, Settlement.PERIOD.toDays()) / burn : null;
    Long lastTopUpCents = (Long) rs.getObject("last_top_up_cents");
    return new AccountSnapshot(rs.getString("uid"), rs.getString("namespace"), rs.getString("name"),
        rs.getString("owner"), rs.getString("currency").trim(), balance,
        AccountStanding.fromWireName(rs.getString("state")), rs.getLong("low_balance_threshold_cents"),
        rs.getInt("grace_period_days"), burn, runway, Settlement.instant(rs, "last_top_up_at"), lastTopUpCents,
        rs.getLong("version"));
  }
}
