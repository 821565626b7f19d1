-- Group commit for paid webhooks (DESIGN §9, §13): credits several paid webhooks in one set-based statement, in the
-- caller's transaction. Each credited item writes exactly what seedbox_credit_paid_webhook (V2) writes for it: the
-- dedupe row, the TopUp entry with its balance-after (the entries trigger moves the cached balance and checks the
-- chain, once for the whole batch), the payment status, the last top-up and the audit event; then one NOTIFY per
-- account that needs no settling. The per-item function stays the reference and handles everything unusual.
--
-- Only the common case is done here; nothing is written for the others, which the caller runs one by one with V2:
--   unknown_payment    no payment row carries this gateway id (matching by metadata needs the slow path)
--   one_by_one         the row is already credited or confirmed (a forwarded after a confirmed, a replay): V2 decides
--                      between replayed and already processed
--   already_processed  (gateway payment id, type) is in the dedupe table: nothing more to do
--   conflict           the entry key is taken by another entry; the caller must roll back the whole batch (the
--                      dedupe rows of the others were written) and run the items one by one, where V2 names it
--   credited           written as above; settle_needed as in V2, evaluated on the account's balance after the batch
--
-- Locks, in one global order so concurrent batches cannot deadlock each other: every payment row of the batch by
-- (account, id), then every account row by uid. SECURITY INVOKER with search_path pinned, like V2: it can do nothing
-- the runtime role could not do statement by statement.
CREATE FUNCTION seedbox_credit_paid_webhooks(
    p_gateway_payment_ids  text[],
    p_event_types          text[],
    p_event_ids            text[],
    p_actor                text,
    p_now                  timestamptz,
    p_notify_channel       text)
  RETURNS TABLE (item integer, outcome text, payment_id uuid, account_uid text, amount_cents bigint, entry_id bigint,
                 balance_after_cents bigint, settle_needed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path FROM CURRENT AS $$
#variable_conflict use_column
BEGIN
  IF cardinality(p_event_types) IS DISTINCT FROM cardinality(p_gateway_payment_ids)
     OR cardinality(p_event_ids) IS DISTINCT FROM cardinality(p_gateway_payment_ids) THEN
    RAISE EXCEPTION 'expected as many event types and event ids as gateway payment ids (%), found % and %',
      cardinality(p_gateway_payment_ids), cardinality(p_event_types), cardinality(p_event_ids)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF (SELECT count(DISTINCT g) FROM unnest(p_gateway_payment_ids) g) <> cardinality(p_gateway_payment_ids) THEN
    RAISE EXCEPTION 'expected each gateway payment id once in a batch, found one twice'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  RETURN QUERY
  WITH input AS (
    SELECT i.gw, i.type, i.event_id, i.ord::integer AS ord
      FROM unnest(p_gateway_payment_ids, p_event_types, p_event_ids) WITH ORDINALITY AS i(gw, type, event_id, ord)
  ), locked AS (
    SELECT p.id, p.account_uid, p.amount_cents, p.status, i.gw, i.type, i.event_id, i.ord
      FROM input i JOIN seedbox_payments p ON p.gateway_payment_id = i.gw
     ORDER BY p.account_uid, p.id
       FOR NO KEY UPDATE OF p
  ), deduped AS (
    INSERT INTO seedbox_webhook_events (payment_id, type, event_id, received_at)
    SELECT l.gw, l.type, l.event_id, p_now FROM locked l WHERE l.status IN ('pending', 'expired')
    ON CONFLICT DO NOTHING
    RETURNING payment_id
  ), fresh AS (
    SELECT l.* FROM locked l JOIN deduped d ON d.payment_id = l.gw
  ), accounts AS (
    -- sorting needs every fresh row, so all payment rows are locked before the first account row
    SELECT a.uid, a.balance_cents, a.state, a.low_balance_threshold_cents, a.below_threshold
      FROM seedbox_billing_accounts a
     WHERE a.uid IN (SELECT f.account_uid FROM fresh f)
     ORDER BY a.uid
       FOR NO KEY UPDATE
  ), entries AS (
    -- ids are drawn in this ORDER BY, so each account's balance-after chain follows its ids as the trigger checks
    INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                        payment_key, actor, occurred_at)
    SELECT f.account_uid, 'TopUp', f.amount_cents,
           a.balance_cents + sum(f.amount_cents) OVER (PARTITION BY f.account_uid ORDER BY f.ord),
           'topup:' || f.id::text, f.id::text, p_actor, p_now
      FROM fresh f JOIN accounts a ON a.uid = f.account_uid
     ORDER BY f.account_uid, f.ord
    ON CONFLICT DO NOTHING
    RETURNING id, account_uid, payment_key, amount_cents, balance_after_cents
  ), credited AS (
    UPDATE seedbox_payments p SET status = 'credited', updated_at = p_now
      FROM entries e WHERE p.id = e.payment_key::uuid
  ), last_top_up AS (
    UPDATE seedbox_billing_accounts a
       SET last_top_up_at = p_now, last_top_up_cents = l.amount_cents, version = a.version + 1, updated_at = p_now
      FROM (SELECT DISTINCT ON (e.account_uid) e.account_uid, e.amount_cents, e.balance_after_cents
              FROM entries e ORDER BY e.account_uid, e.id DESC) l
     WHERE a.uid = l.account_uid
    RETURNING a.uid, l.balance_after_cents AS balance_cents
  ), audited AS (
    INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource, detail)
    SELECT p_now, p_actor, 'ledger.top-up', 'billingaccount:' || e.account_uid,
           jsonb_build_object('paymentKey', e.payment_key, 'amountCents', e.amount_cents,
                              'balanceCents', e.balance_after_cents)
      FROM entries e ORDER BY e.id
  ), settling AS (
    -- V2's test on the balance after the batch: a standing or threshold-flag change, or a held or due seedbox
    SELECT t.uid,
           (t.balance_cents < a.low_balance_threshold_cents) IS DISTINCT FROM a.below_threshold
           OR a.state IS DISTINCT FROM (CASE WHEN t.balance_cents < a.low_balance_threshold_cents
                                             THEN 'LowBalance' ELSE 'Active' END)
           OR EXISTS (SELECT 1 FROM seedbox_resources r
                       WHERE r.account_uid = t.uid AND r.phase IN ('Provisioning', 'Active', 'Suspended')
                         AND r.charge_count > 0 AND (r.billing_hold OR r.paid_through <= p_now)) AS needed
      FROM last_top_up t JOIN accounts a ON a.uid = t.uid
  ), notified AS (
    -- what settling would have sent for the money move, for the accounts the caller will not settle
    SELECT count(pg_notify(p_notify_channel, s.uid)) AS sent FROM settling s WHERE NOT s.needed
  )
  SELECT i.ord,
         CASE WHEN l.id IS NULL THEN 'unknown_payment'
              WHEN l.status NOT IN ('pending', 'expired') THEN 'one_by_one'
              WHEN f.id IS NULL THEN 'already_processed'
              WHEN e.id IS NULL THEN 'conflict'
              ELSE 'credited' END,
         l.id, l.account_uid, l.amount_cents, e.id, e.balance_after_cents, coalesce(s.needed, false)
    FROM input i
    LEFT JOIN locked l ON l.ord = i.ord
    LEFT JOIN fresh f ON f.ord = i.ord
    LEFT JOIN entries e ON e.payment_key = f.id::text
    LEFT JOIN settling s ON s.uid = e.account_uid
   CROSS JOIN notified
   ORDER BY i.ord;
END
$$;

REVOKE ALL ON FUNCTION seedbox_credit_paid_webhooks(text[], text[], text[], text, timestamptz, text) FROM PUBLIC;
