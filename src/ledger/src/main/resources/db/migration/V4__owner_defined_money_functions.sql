-- The database refuses corruption by the runtime roles (architecture §8, §10): one role per service, no temporary tables
-- or schema objects of theirs, money rows only through the owner-defined functions below, each checking its entry
-- kind's rule, seals only through the sealer's function, times and ids from the database. What each role may call is
-- granted by R__runtime_grants.sql.
--
-- Every function pins search_path = pg_catalog, public, pg_temp (pg_temp last, so a session's temporary table can
-- never stand in for one of ours) and qualifies each object anyway.

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['${operatorRole}', '${billingRole}'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      RAISE EXCEPTION 'runtime role "%" does not exist: create it first (CREATE ROLE % LOGIN PASSWORD ...), it must not own the schema', r, r;
    END IF;
    IF r = current_user THEN
      RAISE EXCEPTION 'runtime role "%" is the migrating role: the services must not own the tables', r;
    END IF;
  END LOOP;
  IF '${operatorRole}' = '${billingRole}' THEN
    RAISE EXCEPTION 'the operator and the billing-controller need a runtime role each, both are "%"', '${operatorRole}';
  END IF;
  -- a temporary table shadows ours for any function whose search_path lists pg_temp early or not at all
  EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- ---- time

-- The database's clock stamps every money row and audit event. Tests cross month boundaries with an injectable
-- Clock: only the schema owner can tell the database to trust the caller's time (trust_caller_clock, off unless a
-- test fixture turns it on); a runtime role's chosen time is ignored otherwise.
CREATE TABLE public.seedbox_clock_policy (
  only_row            boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  trust_caller_clock  boolean NOT NULL DEFAULT false
);
INSERT INTO public.seedbox_clock_policy DEFAULT VALUES;

CREATE FUNCTION public.seedbox_now(p_caller_time timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT CASE WHEN p_caller_time IS NOT NULL AND pg_catalog.isfinite(p_caller_time)
                   AND (SELECT c.trust_caller_clock FROM public.seedbox_clock_policy c)
              THEN p_caller_time ELSE pg_catalog.now() END
$$;

-- ---- the billable phases and "settle needed", defined once

-- the phases in which a seedbox is billed; everything else reads this column
ALTER TABLE public.seedbox_resources
  ADD COLUMN billable boolean GENERATED ALWAYS AS (phase IN ('Provisioning', 'Active', 'Suspended')) STORED;
DROP INDEX public.seedbox_resources_due;
CREATE INDEX seedbox_resources_due ON public.seedbox_resources (paid_through)
  WHERE billable AND NOT billing_hold AND charge_count > 0;

-- Whether settling the account at balance p_balance_cents could change anything: its standing or threshold flag
-- would move, or it has a held or due billable seedbox. A superset of what Settlement.decide changes (a held row
-- the balance still cannot pay counts here), so a credit never skips a settle that was needed.
CREATE FUNCTION public.seedbox_settle_needed(p_account_uid text, p_balance_cents bigint, p_now timestamptz)
  RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT (p_balance_cents < a.low_balance_threshold_cents) IS DISTINCT FROM a.below_threshold
      OR a.state IS DISTINCT FROM (CASE WHEN p_balance_cents < a.low_balance_threshold_cents
                                        THEN 'LowBalance' ELSE 'Active' END)
      OR EXISTS (SELECT 1 FROM public.seedbox_resources r
                  WHERE r.account_uid = a.uid AND r.billable AND r.charge_count > 0
                    AND (r.billing_hold OR r.paid_through <= p_now))
    FROM public.seedbox_billing_accounts a WHERE a.uid = p_account_uid
$$;

-- ---- the functions of V1, pinned

CREATE OR REPLACE FUNCTION public.seedbox_apply_entries() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  broken record;
BEGIN
  WITH totals AS (
    SELECT n.account_uid, sum(n.amount_cents) AS delta FROM new_entries n GROUP BY n.account_uid
  ), applied AS (
    UPDATE public.seedbox_billing_accounts a
       SET balance_cents = a.balance_cents + t.delta
      FROM totals t
     WHERE a.uid = t.account_uid
    RETURNING a.uid, a.balance_cents - t.delta AS balance_before
  ), chain AS (
    SELECT e.id, e.account_uid, e.balance_after_cents,
           p.balance_before + sum(e.amount_cents) OVER (PARTITION BY e.account_uid ORDER BY e.id) AS expected
      FROM new_entries e JOIN applied p ON p.uid = e.account_uid
  )
  SELECT * INTO broken FROM chain WHERE chain.balance_after_cents <> chain.expected ORDER BY chain.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % of account % says balance after % but the ledger gives %',
      broken.id, broken.account_uid, broken.balance_after_cents, broken.expected
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
ALTER FUNCTION public.seedbox_refuse_change() SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.seedbox_keep_host_key_pin() SET search_path = pg_catalog, public, pg_temp;

-- ---- entries: one function per kind, each checking its rule

CREATE FUNCTION public.seedbox_require_text(p_value text, p_what text) RETURNS void
  LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF p_value IS NULL OR pg_catalog.btrim(p_value) = '' THEN
    RAISE EXCEPTION 'expected a non-blank %, found %', p_what, coalesce('''' || p_value || '''', 'none')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;

-- Charges: each names an existing seedbox and its next period (its charge_count); the amount is the seedbox's price
-- snapshot, the key charge:<uid>:<n>, and the seedbox row moves with it (paid-through + 30 days from
-- max(paid-through, now), charge count + 1, any billing hold cleared). Set-based: one call per billing batch.
CREATE FUNCTION public.seedbox_post_charges(p_seedbox_uids text[], p_periods integer[], p_actor text,
    p_caller_time timestamptz)
  RETURNS TABLE (seedbox_uid text, entry_id bigint, account_uid text, amount_cents bigint,
                 balance_after_cents bigint, paid_through timestamptz)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_now  timestamptz := public.seedbox_now(p_caller_time);
  bad    record;
BEGIN
  PERFORM public.seedbox_require_text(p_actor, 'actor');
  IF pg_catalog.cardinality(p_periods) IS DISTINCT FROM pg_catalog.cardinality(p_seedbox_uids) THEN
    RAISE EXCEPTION 'expected as many periods as seedboxes (%), found %', pg_catalog.cardinality(p_seedbox_uids),
      pg_catalog.cardinality(p_periods) USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- writers lock the account rows first, in uid order, like every other writer
  PERFORM 1 FROM public.seedbox_billing_accounts a
    WHERE a.uid IN (SELECT r.account_uid FROM public.seedbox_resources r WHERE r.seedbox_uid = ANY (p_seedbox_uids))
    ORDER BY a.uid FOR NO KEY UPDATE;
  SELECT i.uid, i.period, r.seedbox_uid AS found, r.charge_count INTO bad
    FROM unnest(p_seedbox_uids, p_periods) AS i(uid, period)
    LEFT JOIN public.seedbox_resources r ON r.seedbox_uid = i.uid
   WHERE r.seedbox_uid IS NULL OR i.period IS DISTINCT FROM r.charge_count
   LIMIT 1;
  IF FOUND THEN
    IF bad.found IS NULL THEN
      RAISE EXCEPTION 'a Charge names an existing seedbox: no seedbox %', bad.uid USING ERRCODE = 'check_violation';
    END IF;
    RAISE EXCEPTION 'a Charge names its seedbox''s next period: seedbox % is at period %, found period %',
      bad.uid, bad.charge_count, bad.period USING ERRCODE = 'check_violation';
  END IF;
  IF (SELECT count(DISTINCT u) FROM unnest(p_seedbox_uids) u) <> pg_catalog.cardinality(p_seedbox_uids) THEN
    RAISE EXCEPTION 'expected each seedbox once in a batch of charges' USING ERRCODE = 'check_violation';
  END IF;

  RETURN QUERY
  WITH input AS (
    SELECT r.seedbox_uid, r.account_uid, r.price_cents, r.charge_count AS period, i.ord
      FROM unnest(p_seedbox_uids) WITH ORDINALITY AS i(uid, ord)
      JOIN public.seedbox_resources r ON r.seedbox_uid = i.uid
  ), entries AS (
    -- ids are drawn in this ORDER BY, so each account's balance-after chain follows its ids as the trigger checks
    INSERT INTO public.seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                               seedbox_uid, period, actor, occurred_at)
    SELECT i.account_uid, 'Charge', -i.price_cents,
           a.balance_cents - sum(i.price_cents) OVER (PARTITION BY i.account_uid ORDER BY i.ord),
           'charge:' || i.seedbox_uid || ':' || i.period, i.seedbox_uid, i.period, p_actor, v_now
      FROM input i JOIN public.seedbox_billing_accounts a ON a.uid = i.account_uid
     ORDER BY i.account_uid, i.ord
    RETURNING id, seedbox_uid, account_uid, amount_cents, balance_after_cents, period
  ), moved AS (
    UPDATE public.seedbox_resources r
       SET paid_through = GREATEST(coalesce(r.paid_through, v_now), v_now) + interval '30 days',
           charge_count = e.period + 1, billing_hold = false, terminate_at = NULL, updated_at = v_now
      FROM entries e
     WHERE r.seedbox_uid = e.seedbox_uid
    RETURNING r.seedbox_uid, r.paid_through
  )
  SELECT e.seedbox_uid, e.id, e.account_uid, e.amount_cents, e.balance_after_cents, m.paid_through
    FROM entries e JOIN moved m ON m.seedbox_uid = e.seedbox_uid
   ORDER BY e.id;
END
$$;

-- A Refund names an entry (a debit) of the account it credits, and gives back at most that entry's amount, once.
CREATE FUNCTION public.seedbox_post_refund(p_entry_id bigint, p_amount_cents bigint, p_reason text, p_actor text,
    p_caller_time timestamptz)
  RETURNS SETOF public.seedbox_ledger_entries
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  v_now     timestamptz := public.seedbox_now(p_caller_time);
  refunded  public.seedbox_ledger_entries;
  v_balance bigint;
BEGIN
  PERFORM public.seedbox_require_text(p_reason, 'reason');
  PERFORM public.seedbox_require_text(p_actor, 'actor');
  SELECT e.* INTO refunded FROM public.seedbox_ledger_entries e WHERE e.id = p_entry_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'a Refund names an existing entry: no entry %', p_entry_id USING ERRCODE = 'check_violation';
  END IF;
  IF refunded.amount_cents >= 0 THEN
    RAISE EXCEPTION 'a Refund gives back a debit: entry % is a % of % cents', p_entry_id, refunded.kind,
      refunded.amount_cents USING ERRCODE = 'check_violation';
  END IF;
  IF p_amount_cents IS NULL OR p_amount_cents <= 0 OR p_amount_cents > -refunded.amount_cents THEN
    RAISE EXCEPTION 'a Refund of entry % gives back between 1 and % cents, found %', p_entry_id,
      -refunded.amount_cents, p_amount_cents USING ERRCODE = 'check_violation';
  END IF;
  SELECT a.balance_cents INTO v_balance FROM public.seedbox_billing_accounts a
   WHERE a.uid = refunded.account_uid FOR NO KEY UPDATE;
  RETURN QUERY
  INSERT INTO public.seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                             seedbox_uid, period, refunds_entry_id, reason, actor, occurred_at)
  VALUES (refunded.account_uid, 'Refund', p_amount_cents, v_balance + p_amount_cents,
          'refund:' || refunded.idempotency_key, refunded.seedbox_uid, refunded.period, refunded.id, p_reason,
          p_actor, v_now)
  RETURNING *;
END
$$;

-- An Adjustment carries a reason and an actor; its key is adjust:<caller's key>.
CREATE FUNCTION public.seedbox_post_adjustment(p_account_uid text, p_key text, p_amount_cents bigint, p_reason text,
    p_actor text, p_caller_time timestamptz)
  RETURNS SETOF public.seedbox_ledger_entries
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  v_now     timestamptz := public.seedbox_now(p_caller_time);
  v_balance bigint;
BEGIN
  PERFORM public.seedbox_require_text(p_key, 'adjustment key');
  PERFORM public.seedbox_require_text(p_reason, 'reason');
  PERFORM public.seedbox_require_text(p_actor, 'actor');
  SELECT a.balance_cents INTO v_balance FROM public.seedbox_billing_accounts a
   WHERE a.uid = p_account_uid FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'an Adjustment names an existing account: no account %', p_account_uid
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN QUERY
  INSERT INTO public.seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                             reason, actor, occurred_at)
  VALUES (p_account_uid, 'Adjustment', p_amount_cents, v_balance + p_amount_cents, 'adjust:' || p_key, p_reason,
          p_actor, v_now)
  RETURNING *;
END
$$;

-- A TopUp credits one of our payment rows, once (key topup:<our payment id>), for the row's amount, to the row's
-- account: the one implementation behind Ledger.creditTopUp and the per-webhook credit. The caller has established
-- that the gateway was paid (a verified webhook or the gateway's own answer). Outcomes as in V2: unknown_payment,
-- replayed, conflict (the key names an entry with another payload; nothing written) and credited.
CREATE FUNCTION public.seedbox_credit_payment(p_payment_id uuid, p_actor text, p_caller_time timestamptz,
    p_notify_channel text)
  RETURNS TABLE (outcome text, payment_id uuid, account_uid text, amount_cents bigint, entry_id bigint,
                 balance_after_cents bigint, settle_needed boolean, found_account_uid text, found_kind text,
                 found_amount_cents bigint, found_payment_key text)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_now        timestamptz := public.seedbox_now(p_caller_time);
  pay          record;
  v_key        text;
  v_entry_id   bigint;
  v_after      bigint;
  v_settle     boolean;
  found_entry  record;
BEGIN
  PERFORM public.seedbox_require_text(p_actor, 'actor');
  SELECT p.id, p.account_uid, p.amount_cents, p.status INTO pay
    FROM public.seedbox_payments p WHERE p.id = p_payment_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown_payment'::text, NULL::uuid, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                        false, NULL::text, NULL::text, NULL::bigint, NULL::text;
    RETURN;
  END IF;

  v_key := 'topup:' || pay.id::text;
  INSERT INTO public.seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                             payment_key, actor, occurred_at)
  SELECT a.uid, 'TopUp', pay.amount_cents, a.balance_cents + pay.amount_cents, v_key, pay.id::text, p_actor, v_now
    FROM public.seedbox_billing_accounts a WHERE a.uid = pay.account_uid FOR NO KEY UPDATE
  ON CONFLICT DO NOTHING
  RETURNING id, balance_after_cents INTO v_entry_id, v_after;
  IF v_entry_id IS NULL THEN
    SELECT e.id, e.account_uid, e.kind, e.amount_cents, e.balance_after_cents, e.payment_key INTO found_entry
      FROM public.seedbox_ledger_entries e
     WHERE e.idempotency_key = v_key OR (e.kind = 'TopUp' AND e.payment_key = pay.id::text)
     ORDER BY e.id LIMIT 1;
    IF FOUND AND found_entry.account_uid = pay.account_uid AND found_entry.kind = 'TopUp'
       AND found_entry.amount_cents = pay.amount_cents AND found_entry.payment_key = pay.id::text THEN
      -- credited before: a pending or expired row only learns it was paid; credited stays final
      UPDATE public.seedbox_payments SET status = 'confirmed', updated_at = v_now
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

  UPDATE public.seedbox_payments SET status = 'credited', updated_at = v_now
   WHERE id = pay.id AND status <> 'credited';
  UPDATE public.seedbox_billing_accounts
     SET last_top_up_at = v_now, last_top_up_cents = pay.amount_cents, version = version + 1, updated_at = v_now
   WHERE uid = pay.account_uid;
  INSERT INTO public.seedbox_audit_events (occurred_at, actor, action, resource, detail)
  VALUES (v_now, p_actor, 'ledger.top-up', 'billingaccount:' || pay.account_uid,
          pg_catalog.jsonb_build_object('paymentKey', pay.id::text, 'amountCents', pay.amount_cents,
                                        'balanceCents', v_after));
  v_settle := public.seedbox_settle_needed(pay.account_uid, v_after, v_now);
  IF NOT v_settle THEN
    PERFORM pg_catalog.pg_notify(p_notify_channel, pay.account_uid);
  END IF;
  RETURN QUERY SELECT 'credited'::text, pay.id, pay.account_uid, pay.amount_cents, v_entry_id, v_after, v_settle,
                      NULL::text, NULL::text, NULL::bigint, NULL::text;
END
$$;

-- The per-webhook credit (V2's contract): dedupe on (gateway payment id, type), then seedbox_credit_payment.
CREATE OR REPLACE FUNCTION public.seedbox_credit_paid_webhook(
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
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_now  timestamptz := public.seedbox_now(p_now);
  pay    record;
BEGIN
  IF p_payment_id IS NOT NULL THEN
    SELECT p.id, p.account_uid, p.amount_cents INTO pay
      FROM public.seedbox_payments p WHERE p.id = p_payment_id FOR NO KEY UPDATE;
  ELSE
    SELECT p.id, p.account_uid, p.amount_cents INTO pay
      FROM public.seedbox_payments p WHERE p.gateway_payment_id = p_gateway_payment_id FOR NO KEY UPDATE;
  END IF;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'unknown_payment'::text, NULL::uuid, NULL::text, NULL::bigint, NULL::bigint, NULL::bigint,
                        false, NULL::text, NULL::text, NULL::bigint, NULL::text;
    RETURN;
  END IF;

  INSERT INTO public.seedbox_webhook_events (payment_id, type, event_id, received_at)
  VALUES (p_gateway_payment_id, p_event_type, p_event_id, v_now) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'already_processed'::text, pay.id, pay.account_uid, pay.amount_cents, NULL::bigint,
                        NULL::bigint, false, NULL::text, NULL::text, NULL::bigint, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM public.seedbox_credit_payment(pay.id, p_actor, p_now, p_notify_channel);
END
$$;

-- The batch credit (V3's contract), owner-defined and pinned; settle_needed from seedbox_settle_needed.
CREATE OR REPLACE FUNCTION public.seedbox_credit_paid_webhooks(
    p_gateway_payment_ids  text[],
    p_event_types          text[],
    p_event_ids            text[],
    p_actor                text,
    p_now                  timestamptz,
    p_notify_channel       text)
  RETURNS TABLE (item integer, outcome text, payment_id uuid, account_uid text, amount_cents bigint, entry_id bigint,
                 balance_after_cents bigint, settle_needed boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_now  timestamptz := public.seedbox_now(p_now);
BEGIN
  PERFORM public.seedbox_require_text(p_actor, 'actor');
  IF pg_catalog.cardinality(p_event_types) IS DISTINCT FROM pg_catalog.cardinality(p_gateway_payment_ids)
     OR pg_catalog.cardinality(p_event_ids) IS DISTINCT FROM pg_catalog.cardinality(p_gateway_payment_ids) THEN
    RAISE EXCEPTION 'expected as many event types and event ids as gateway payment ids (%), found % and %',
      pg_catalog.cardinality(p_gateway_payment_ids), pg_catalog.cardinality(p_event_types),
      pg_catalog.cardinality(p_event_ids)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF (SELECT count(DISTINCT g) FROM unnest(p_gateway_payment_ids) g)
     <> pg_catalog.cardinality(p_gateway_payment_ids) THEN
    RAISE EXCEPTION 'expected each gateway payment id once in a batch, found one twice'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  RETURN QUERY
  WITH input AS (
    SELECT i.gw, i.type, i.event_id, i.ord::integer AS ord
      FROM unnest(p_gateway_payment_ids, p_event_types, p_event_ids)
           WITH ORDINALITY AS i(gw, type, event_id, ord)
  ), locked AS (
    SELECT p.id, p.account_uid, p.amount_cents, p.status, i.gw, i.type, i.event_id, i.ord
      FROM input i JOIN public.seedbox_payments p ON p.gateway_payment_id = i.gw
     ORDER BY p.account_uid, p.id
       FOR NO KEY UPDATE OF p
  ), deduped AS (
    INSERT INTO public.seedbox_webhook_events (payment_id, type, event_id, received_at)
    SELECT l.gw, l.type, l.event_id, v_now FROM locked l WHERE l.status IN ('pending', 'expired')
    ON CONFLICT DO NOTHING
    RETURNING payment_id
  ), fresh AS (
    SELECT l.* FROM locked l JOIN deduped d ON d.payment_id = l.gw
  ), accounts AS (
    SELECT a.uid, a.balance_cents
      FROM public.seedbox_billing_accounts a
     WHERE a.uid IN (SELECT f.account_uid FROM fresh f)
     ORDER BY a.uid
       FOR NO KEY UPDATE
  ), entries AS (
    INSERT INTO public.seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                               payment_key, actor, occurred_at)
    SELECT f.account_uid, 'TopUp', f.amount_cents,
           a.balance_cents + sum(f.amount_cents) OVER (PARTITION BY f.account_uid ORDER BY f.ord),
           'topup:' || f.id::text, f.id::text, p_actor, v_now
      FROM fresh f JOIN accounts a ON a.uid = f.account_uid
     ORDER BY f.account_uid, f.ord
    ON CONFLICT DO NOTHING
    RETURNING id, account_uid, payment_key, amount_cents, balance_after_cents
  ), credited AS (
    UPDATE public.seedbox_payments p SET status = 'credited', updated_at = v_now
      FROM entries e WHERE p.id = e.payment_key::uuid
  ), last_top_up AS (
    UPDATE public.seedbox_billing_accounts a
       SET last_top_up_at = v_now, last_top_up_cents = l.amount_cents, version = a.version + 1, updated_at = v_now
      FROM (SELECT DISTINCT ON (e.account_uid) e.account_uid, e.amount_cents, e.balance_after_cents
              FROM entries e ORDER BY e.account_uid, e.id DESC) l
     WHERE a.uid = l.account_uid
    RETURNING a.uid, l.balance_after_cents AS balance_cents
  ), audited AS (
    INSERT INTO public.seedbox_audit_events (occurred_at, actor, action, resource, detail)
    SELECT v_now, p_actor, 'ledger.top-up', 'billingaccount:' || e.account_uid,
           pg_catalog.jsonb_build_object('paymentKey', e.payment_key, 'amountCents', e.amount_cents,
                                         'balanceCents', e.balance_after_cents)
      FROM entries e ORDER BY e.id
  ), settling AS (
    -- the account rows are read as they were before this statement, which is what the settle test compares with
    SELECT t.uid, public.seedbox_settle_needed(t.uid, t.balance_cents, v_now) AS needed FROM last_top_up t
  ), notified AS (
    SELECT count(pg_catalog.pg_notify(p_notify_channel, s.uid)) AS sent FROM settling s WHERE NOT s.needed
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

-- ---- audit events: the database stamps them

-- The writing transaction and the time come from the database (or the owner-trusted test clock), whatever the
-- INSERT says: an event can neither hide from the sealer behind a future txid nor carry an unsealable time.
CREATE FUNCTION public.seedbox_stamp_audit_event() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  NEW.txid := pg_catalog.pg_current_xact_id();
  NEW.occurred_at := public.seedbox_now(NEW.occurred_at);
  RETURN NEW;
END
$$;
CREATE TRIGGER seedbox_audit_events_stamp BEFORE INSERT ON public.seedbox_audit_events
  FOR EACH ROW EXECUTE FUNCTION public.seedbox_stamp_audit_event();
ALTER TABLE public.seedbox_audit_events ALTER COLUMN occurred_at SET DEFAULT pg_catalog.now();

-- ---- the sealer

-- Events the sealer could not put in the chain (e.g. a time that has no canonical form), kept and reported by
-- verify; append-only like the chain.
CREATE TABLE public.seedbox_audit_seal_faults (
  event_id  bigint      PRIMARY KEY REFERENCES public.seedbox_audit_events (id),
  reason    text        NOT NULL,
  found_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE TRIGGER seedbox_audit_seal_faults_append_only BEFORE UPDATE OR DELETE ON public.seedbox_audit_seal_faults
  FOR EACH ROW EXECUTE FUNCTION public.seedbox_refuse_change();
CREATE TRIGGER seedbox_audit_seal_faults_no_truncate BEFORE TRUNCATE ON public.seedbox_audit_seal_faults
  FOR EACH STATEMENT EXECUTE FUNCTION public.seedbox_refuse_change();

-- Singleton locks. Advisory locks are open to every role in the database, so a runtime role could hold the
-- sealer's or the billing cycle's key forever; a row of this table can be locked only through seedbox_try_lock,
-- which only the billing role may call.
CREATE TABLE public.seedbox_locks (
  name  text PRIMARY KEY
);
INSERT INTO public.seedbox_locks (name) VALUES ('audit-sealer'), ('billing-cycle');

-- true when the calling transaction now holds the named lock (until it ends); false when another transaction does
CREATE FUNCTION public.seedbox_try_lock(p_name text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.seedbox_locks l WHERE l.name = p_name) THEN
    RAISE EXCEPTION 'no lock named %', p_name USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM 1 FROM public.seedbox_locks l WHERE l.name = p_name FOR UPDATE SKIP LOCKED;
  RETURN FOUND;
END
$$;

-- The canonical bytes of a field: a 4-byte big-endian length, then the UTF-8 bytes (AuditSealer's Java
-- verification computes the same).
CREATE FUNCTION public.seedbox_audit_field(p_value text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public, pg_temp AS $$
  SELECT pg_catalog.int4send(pg_catalog.octet_length(pg_catalog.convert_to(p_value, 'UTF8')))
         || pg_catalog.convert_to(p_value, 'UTF8')
$$;

-- Seals, in id order, up to p_limit events whose transactions are over (older than the oldest running one), and
-- records as faults the events that cannot be sealed (a time with no canonical form, a transaction id that no
-- transaction has had yet), so one bad row is reported and passed, never a stop. The only writer of seals: callers
-- choose neither sequence numbers nor ids. Returns what it did and the chain's head; lock_busy when another
-- transaction holds the sealer's lock (nothing done).
CREATE FUNCTION public.seedbox_seal_audit_events(p_limit integer)
  RETURNS TABLE (sealed integer, faulted integer, head_seq bigint, head_hash bytea, lock_busy boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_seq      bigint;
  v_prev     bytea;
  v_faulted  integer;
  v_seqs     bigint[] := '{}';
  v_ids      bigint[] := '{}';
  v_prevs    bytea[] := '{}';
  v_hashes   bytea[] := '{}';
  v_hash     bytea;
  ev         record;
BEGIN
  IF NOT public.seedbox_try_lock('audit-sealer') THEN
    RETURN QUERY SELECT 0, 0, NULL::bigint, NULL::bytea, true;
    RETURN;
  END IF;
  SELECT s.seq, s.hash INTO v_seq, v_prev FROM public.seedbox_audit_seals s ORDER BY s.seq DESC LIMIT 1;
  IF NOT FOUND THEN
    v_seq := 0;
    v_prev := pg_catalog.decode(pg_catalog.repeat('00', 32), 'hex');
  END IF;

  INSERT INTO public.seedbox_audit_seal_faults (event_id, reason)
  SELECT e.id, CASE WHEN NOT pg_catalog.isfinite(e.occurred_at)
                    THEN 'occurred_at ' || e.occurred_at::text || ' has no canonical form'
                    ELSE 'txid ' || e.txid::text || ' was never assigned to a transaction' END
    FROM public.seedbox_audit_events e
   WHERE (NOT pg_catalog.isfinite(e.occurred_at) OR e.txid > pg_catalog.pg_current_xact_id())
     AND NOT EXISTS (SELECT 1 FROM public.seedbox_audit_seals s WHERE s.event_id = e.id)
     AND NOT EXISTS (SELECT 1 FROM public.seedbox_audit_seal_faults f WHERE f.event_id = e.id);
  GET DIAGNOSTICS v_faulted = ROW_COUNT;

  FOR ev IN
    SELECT e.id, e.occurred_at, e.actor, e.action, e.resource, e.detail::text AS detail
      FROM public.seedbox_audit_events e
     WHERE e.txid < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
       AND NOT EXISTS (SELECT 1 FROM public.seedbox_audit_seals s WHERE s.event_id = e.id)
       AND NOT EXISTS (SELECT 1 FROM public.seedbox_audit_seal_faults f WHERE f.event_id = e.id)
     ORDER BY e.id
     LIMIT p_limit
  LOOP
    v_hash := pg_catalog.sha256(v_prev
        || public.seedbox_audit_field(ev.id::text)
        || public.seedbox_audit_field((EXTRACT(epoch FROM ev.occurred_at) * 1000000)::bigint::text)
        || public.seedbox_audit_field(ev.actor)
        || public.seedbox_audit_field(ev.action)
        || public.seedbox_audit_field(ev.resource)
        || public.seedbox_audit_field(ev.detail));
    v_seq := v_seq + 1;
    v_seqs := v_seqs || v_seq;
    v_ids := v_ids || ev.id;
    v_prevs := v_prevs || v_prev;
    v_hashes := v_hashes || v_hash;
    v_prev := v_hash;
  END LOOP;
  INSERT INTO public.seedbox_audit_seals (seq, event_id, prev_hash, hash)
  SELECT * FROM unnest(v_seqs, v_ids, v_prevs, v_hashes);
  RETURN QUERY SELECT pg_catalog.cardinality(v_ids), v_faulted, v_seq, v_prev, false;
END
$$;

REVOKE ALL ON FUNCTION public.seedbox_now(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_settle_needed(text, bigint, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_require_text(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_post_charges(text[], integer[], text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_post_refund(bigint, bigint, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_post_adjustment(text, text, bigint, text, text, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_credit_payment(uuid, text, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_stamp_audit_event() FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_try_lock(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_audit_field(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_seal_audit_events(integer) FROM PUBLIC;
