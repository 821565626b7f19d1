-- The webhook credit path in one statement (DESIGN §9, §13). A paid webhook used to cost ~16 round trips (payment
-- look-up, dedupe insert, payment lock and status update twice, account lock twice, key look-up, entry insert,
-- last-top-up update, audit insert, settle's query and NOTIFY); this function does the same work server-side, in the
-- caller's transaction, so the dedupe row, the credit, its audit event and the NOTIFY still commit or roll back
-- together.
--
-- SECURITY INVOKER on purpose: it runs with the runtime role's own grants (INSERT on entries, audit and dedupe rows,
-- UPDATE on the status and last-top-up columns, no UPDATE on balance_cents), so it can do nothing the role could not
-- do statement by statement. search_path is pinned so a caller's search_path cannot redirect its table names.
--
-- Locks, in the order LedgerPaymentEvents documents: the payment row, then the account row. Settling is left to the
-- caller (BillingPolicy.settle in Java, one code path for the rules) and reported as settle_needed only when it could
-- change something: the account has a held or due billable seedbox, or its standing/threshold flag would move. When
-- it is not needed the function sends the NOTIFY that settle would have sent for the money move.
--
-- Outcomes (nothing is written for the first two):
--   unknown_payment    no payment row carries this id (the caller takes the slow path: advisory lock, metadata)
--   already_processed  (gateway payment id, type) is already in the dedupe table
--   replayed           dedupe row written; the row was credited before (e.g. under its other gateway payment)
--   conflict           the idempotency key names an entry with another payload (the caller throws, rolling back)
--   credited           dedupe row, entry, status, last top-up and audit event written
CREATE FUNCTION seedbox_credit_paid_webhook(
    p_payment_id          uuid,
    p_gateway_payment_id  text,
    p_event_type          text,
    p_event_id            text,
    p_actor               text,
    p_now                 timestamptz,
    p_notify_channel      text)
  RETURNS TABLE (outcome text, payment_id uuid, account_uid text, amount_cents bigint, entry_id bigint,
                 balance_after_cents bigint, settle_needed boolean, found_account_uid text, found_kind text,
                 found_amount_cents bigint, found_payment_key text)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path FROM CURRENT AS $$
#variable_conflict use_column
DECLARE
  pay          record;
  acct         record;
  v_key        text;
  v_entry_id   bigint;
  v_after      bigint;
  v_below      boolean;
  v_settle     boolean;
  found_entry  record;
BEGIN
  IF p_payment_id IS NOT NULL THEN
    SELECT p.id, p.account_uid, p.amount_cents, p.status INTO pay
      FROM seedbox_payments p WHERE p.id = p_payment_id FOR NO KEY UPDATE;
  ELSE
    SELECT p.id, p.account_uid, p.amount_cents, p.status INTO pay
      FROM seedbox_payments p WHERE p.gateway_payment_id = p_gateway_payment_id FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown_payment'::text, NULL::uuid, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                        false, NULL::text, NULL::text, NULL::bigint, NULL::text;
    RETURN;
  END IF;

  INSERT INTO seedbox_webhook_events (payment_id, type, event_id, received_at)
  VALUES (p_gateway_payment_id, p_event_type, p_event_id, p_now) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'already_processed'::text, pay.id, pay.account_uid, pay.amount_cents, NULL::bigint,
                        NULL::bigint, false, NULL::text, NULL::text, NULL::bigint, NULL::text;
    RETURN;
  END IF;

  v_key := 'topup:' || pay.id::text;
  -- one statement locks the account row, reads its balance and inserts the entry with its balance-after (the entries
  -- trigger moves the cached balance and refuses a broken chain); the key is looked up only when the insert finds it
  -- taken
  INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                      payment_key, actor, occurred_at)
  SELECT a.uid, 'TopUp', pay.amount_cents, a.balance_cents + pay.amount_cents, v_key, pay.id::text, p_actor, p_now
    FROM seedbox_billing_accounts a WHERE a.uid = pay.account_uid FOR NO KEY UPDATE
  ON CONFLICT DO NOTHING
  RETURNING id, balance_after_cents INTO v_entry_id, v_after;
  IF v_entry_id IS NULL THEN
    SELECT e.id, e.account_uid, e.kind, e.amount_cents, e.balance_after_cents, e.payment_key INTO found_entry
      FROM seedbox_ledger_entries e WHERE e.idempotency_key = v_key;
    IF FOUND AND found_entry.account_uid = pay.account_uid AND found_entry.kind = 'TopUp'
       AND found_entry.amount_cents = pay.amount_cents AND found_entry.payment_key = pay.id::text THEN
      -- credited before: a pending or expired row only learns it was paid; credited stays final
      UPDATE seedbox_payments SET status = 'confirmed', updated_at = p_now
       WHERE id = pay.id AND status IN ('pending', 'expired');
      RETURN QUERY SELECT 'replayed'::text, pay.id, pay.account_uid, pay.amount_cents, found_entry.id,
                          found_entry.balance_after_cents, false, NULL::text, NULL::text, NULL::bigint, NULL::text;
      RETURN;
    END IF;
    RETURN QUERY SELECT 'conflict'::text, pay.id, pay.account_uid, pay.amount_cents, found_entry.id, NULL::bigint,
                        false, found_entry.account_uid, found_entry.kind, found_entry.amount_cents,
                        found_entry.payment_key;
    RETURN;
  END IF;

  UPDATE seedbox_payments SET status = 'credited', updated_at = p_now WHERE id = pay.id AND status <> 'credited';
  UPDATE seedbox_billing_accounts
     SET last_top_up_at = p_now, last_top_up_cents = pay.amount_cents, version = version + 1, updated_at = p_now
   WHERE uid = pay.account_uid
  RETURNING state, low_balance_threshold_cents, below_threshold INTO acct;
  INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource, detail)
  VALUES (p_now, p_actor, 'ledger.top-up', 'billingaccount:' || pay.account_uid,
          jsonb_build_object('paymentKey', pay.id::text, 'amountCents', pay.amount_cents, 'balanceCents', v_after));

  -- what Settlement.decide would change with no due or held seedbox: only the standing and the threshold flag
  v_below := v_after < acct.low_balance_threshold_cents;
  v_settle := v_below IS DISTINCT FROM acct.below_threshold
      OR acct.state IS DISTINCT FROM (CASE WHEN v_below THEN 'LowBalance' ELSE 'Active' END)
      OR EXISTS (SELECT 1 FROM seedbox_resources r
                  WHERE r.account_uid = pay.account_uid AND r.phase IN ('Provisioning', 'Active', 'Suspended')
                    AND r.charge_count > 0 AND (r.billing_hold OR r.paid_through <= p_now));
  IF NOT v_settle THEN
    PERFORM pg_notify(p_notify_channel, pay.account_uid);
  END IF;
  RETURN QUERY SELECT 'credited'::text, pay.id, pay.account_uid, pay.amount_cents, v_entry_id, v_after, v_settle,
                      NULL::text, NULL::text, NULL::bigint, NULL::text;
END
$$;

REVOKE ALL ON FUNCTION seedbox_credit_paid_webhook(uuid, text, text, text, text, timestamptz, text) FROM PUBLIC;
