-- Ledger, billing, payments, BYOS and audit (DESIGN §8, §10). Runs as the schema owner; the runtime role's
-- privileges are granted by R__runtime_grants.sql. Money is BIGINT minor units everywhere.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${runtimeRole}') THEN
    RAISE EXCEPTION 'runtime role "${runtimeRole}" does not exist: create it first (CREATE ROLE ${runtimeRole} LOGIN PASSWORD ...), it must not own the schema';
  END IF;
  IF '${runtimeRole}' = current_user THEN
    RAISE EXCEPTION 'runtime role "${runtimeRole}" is the migrating role: the services must not own the tables, because an owner can disable the append-only triggers';
  END IF;
END
$$;

CREATE TABLE seedbox_billing_accounts (
  uid                          text        PRIMARY KEY,
  namespace                    text        NOT NULL,
  name                         text        NOT NULL,
  owner                        text        NOT NULL,
  currency                     char(3)     NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  -- cached sum of the account's ledger entries; only the entries trigger changes it
  balance_cents                bigint      NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
  state                        text        NOT NULL DEFAULT 'Active'
                                           CHECK (state IN ('Active', 'LowBalance', 'Suspended')),
  low_balance_threshold_cents  bigint      NOT NULL DEFAULT 0 CHECK (low_balance_threshold_cents >= 0),
  grace_period_days            integer     NOT NULL DEFAULT 7 CHECK (grace_period_days BETWEEN 0 AND 365),
  -- true from the moment the balance fell below the threshold until it is back at or above it: one warning per crossing
  below_threshold              boolean     NOT NULL DEFAULT false,
  last_top_up_at               timestamptz,
  last_top_up_cents            bigint      CHECK (last_top_up_cents > 0),
  version                      bigint      NOT NULL DEFAULT 0,
  created_at                   timestamptz NOT NULL,
  updated_at                   timestamptz NOT NULL
);
CREATE INDEX seedbox_billing_accounts_ns_name ON seedbox_billing_accounts (namespace, name);

CREATE TABLE seedbox_ledger_entries (
  id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_uid          text        NOT NULL REFERENCES seedbox_billing_accounts (uid),
  kind                 text        NOT NULL CHECK (kind IN ('TopUp', 'Charge', 'Refund', 'Adjustment')),
  amount_cents         bigint      NOT NULL,
  balance_after_cents  bigint      NOT NULL CHECK (balance_after_cents >= 0),
  idempotency_key      text        NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  seedbox_uid          text,
  period               integer     CHECK (period >= 0),
  payment_key          text,
  refunds_entry_id     bigint      REFERENCES seedbox_ledger_entries (id),
  reason               text,
  actor                text        NOT NULL CHECK (length(actor) > 0),
  occurred_at          timestamptz NOT NULL,
  CONSTRAINT entry_shape CHECK (
    CASE kind
      WHEN 'TopUp'      THEN amount_cents > 0 AND payment_key IS NOT NULL AND seedbox_uid IS NULL
      WHEN 'Charge'     THEN amount_cents <= 0 AND seedbox_uid IS NOT NULL AND period IS NOT NULL
      WHEN 'Refund'     THEN amount_cents >= 0 AND refunds_entry_id IS NOT NULL AND reason IS NOT NULL
      WHEN 'Adjustment' THEN amount_cents <> 0 AND reason IS NOT NULL AND length(reason) > 0
    END)
);
-- one credit per gateway payment, one charge per (seedbox, period), one refund per charge
CREATE UNIQUE INDEX seedbox_ledger_entries_one_credit_per_payment ON seedbox_ledger_entries (payment_key) WHERE kind = 'TopUp';
CREATE UNIQUE INDEX seedbox_ledger_entries_one_charge_per_period ON seedbox_ledger_entries (seedbox_uid, period) WHERE kind = 'Charge';
CREATE UNIQUE INDEX seedbox_ledger_entries_one_refund_per_entry ON seedbox_ledger_entries (refunds_entry_id) WHERE kind = 'Refund';
CREATE INDEX seedbox_ledger_entries_account ON seedbox_ledger_entries (account_uid, id);

CREATE TABLE seedbox_resources (
  seedbox_uid          text        PRIMARY KEY,
  account_uid          text        NOT NULL REFERENCES seedbox_billing_accounts (uid),
  namespace            text        NOT NULL,
  name                 text        NOT NULL,
  plan                 text        NOT NULL,
  price_cents          bigint      NOT NULL CHECK (price_cents >= 0),
  phase                text        NOT NULL CHECK (phase IN ('Pending', 'Provisioning', 'Active', 'Suspended',
                                                            'Terminating', 'Terminated', 'Failed')),
  provider_ref         text,
  paid_through         timestamptz,
  -- charges posted so far: the next charge is period charge_count
  charge_count         integer     NOT NULL DEFAULT 0 CHECK (charge_count >= 0),
  billing_hold         boolean     NOT NULL DEFAULT false,
  terminate_at         timestamptz,
  operator_hold        boolean     NOT NULL DEFAULT false,
  operator_hold_reason text,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT terminate_at_only_with_billing_hold CHECK (billing_hold OR terminate_at IS NULL),
  CONSTRAINT paid_once_charged CHECK ((charge_count = 0) = (paid_through IS NULL))
);
CREATE INDEX seedbox_resources_account ON seedbox_resources (account_uid);
-- the billing cycle's work list: billable rows by due date
CREATE INDEX seedbox_resources_due ON seedbox_resources (paid_through)
  WHERE phase IN ('Provisioning', 'Active', 'Suspended') AND NOT billing_hold AND charge_count > 0;

CREATE TABLE seedbox_payments (
  id                  uuid        PRIMARY KEY,
  account_uid         text        NOT NULL REFERENCES seedbox_billing_accounts (uid),
  -- the amount we asked the gateway for is the amount we credit
  amount_cents        bigint      NOT NULL CHECK (amount_cents > 0),
  blockchain          text        NOT NULL,
  status              text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'expired', 'credited')),
  gateway_payment_id  text        UNIQUE,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX seedbox_payments_pending ON seedbox_payments (created_at) WHERE status IN ('pending', 'confirmed');

-- webhook dedupe: the event id changes on resend, so (payment_id, type) is the identity
CREATE TABLE seedbox_webhook_events (
  payment_id   text        NOT NULL,
  type         text        NOT NULL,
  event_id     text        NOT NULL,
  received_at  timestamptz NOT NULL,
  PRIMARY KEY (payment_id, type)
);

-- events for a gateway payment we never recorded: kept, never dropped by dedupe, matched later
CREATE TABLE seedbox_unmatched_webhook_events (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id      text        NOT NULL,
  payment_id    text        NOT NULL,
  type          text        NOT NULL,
  body          jsonb       NOT NULL,
  received_at   timestamptz NOT NULL,
  resolved_at   timestamptz,
  resolution    text,
  UNIQUE (payment_id, type, event_id)
);
CREATE INDEX seedbox_unmatched_webhook_events_open ON seedbox_unmatched_webhook_events (payment_id) WHERE resolved_at IS NULL;

CREATE TABLE seedbox_byos_connections (
  uid              text        PRIMARY KEY,
  namespace        text        NOT NULL,
  name             text        NOT NULL,
  host             text        NOT NULL,
  port             integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
  ssh_user         text        NOT NULL,
  public_key       text        NOT NULL CHECK (public_key ~ '^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp[0-9]+) [A-Za-z0-9+/=]+( .*)?$'),
  fingerprint      text        NOT NULL CHECK (fingerprint ~ '^SHA256:[A-Za-z0-9+/]+=*$'),
  -- a reference (kubernetes:<ns>/<name>#<key> or vault:<mount>/<path>#<version>), never key material
  secret_ref       text        NOT NULL CHECK (secret_ref ~ '^(kubernetes|vault):'),
  pinned_host_key  text,
  pinned_at        timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CONSTRAINT no_private_key_material CHECK (
    public_key NOT LIKE '%PRIVATE KEY%' AND secret_ref NOT LIKE '%PRIVATE KEY%'
    AND coalesce(pinned_host_key, '') NOT LIKE '%PRIVATE KEY%')
);

CREATE TABLE seedbox_audit_events (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at  timestamptz NOT NULL,
  actor        text        NOT NULL CHECK (length(actor) > 0),
  action       text        NOT NULL CHECK (length(action) > 0),
  resource     text        NOT NULL,
  detail       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  -- the writing transaction: the sealer only seals events of transactions that are over (commit-order safe)
  txid         xid8        NOT NULL DEFAULT pg_current_xact_id()
);

-- the hash chain, in seal order (seq); each event is sealed once
CREATE TABLE seedbox_audit_seals (
  seq        bigint      PRIMARY KEY CHECK (seq >= 1),
  event_id   bigint      NOT NULL UNIQUE REFERENCES seedbox_audit_events (id),
  prev_hash  bytea       NOT NULL CHECK (length(prev_hash) = 32),
  hash       bytea       NOT NULL CHECK (length(hash) = 32),
  sealed_at  timestamptz NOT NULL DEFAULT now()
);

-- Append-only tables: a row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE. They stop
-- everyone but an owner or superuser who disables them first, which the runtime role cannot do.
CREATE FUNCTION seedbox_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER seedbox_ledger_entries_append_only BEFORE UPDATE OR DELETE ON seedbox_ledger_entries
  FOR EACH ROW EXECUTE FUNCTION seedbox_refuse_change();
CREATE TRIGGER seedbox_ledger_entries_no_truncate BEFORE TRUNCATE ON seedbox_ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION seedbox_refuse_change();
CREATE TRIGGER seedbox_audit_events_append_only BEFORE UPDATE OR DELETE ON seedbox_audit_events
  FOR EACH ROW EXECUTE FUNCTION seedbox_refuse_change();
CREATE TRIGGER seedbox_audit_events_no_truncate BEFORE TRUNCATE ON seedbox_audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION seedbox_refuse_change();
CREATE TRIGGER seedbox_audit_seals_append_only BEFORE UPDATE OR DELETE ON seedbox_audit_seals
  FOR EACH ROW EXECUTE FUNCTION seedbox_refuse_change();
CREATE TRIGGER seedbox_audit_seals_no_truncate BEFORE TRUNCATE ON seedbox_audit_seals
  FOR EACH STATEMENT EXECUTE FUNCTION seedbox_refuse_change();

-- balance = sum of entries, kept by the database: inserting entries is the only way the runtime role can move a
-- balance (it has no UPDATE on balance_cents). Set-based per statement, so a batch of 5,000 charges costs one
-- UPDATE per account, and it refuses a batch whose balance_after chain does not continue from the stored balance
-- (a writer that forgot to lock the account row).
CREATE FUNCTION seedbox_apply_entries() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  broken record;
BEGIN
  WITH totals AS (
    SELECT account_uid, sum(amount_cents) AS delta FROM new_entries GROUP BY account_uid
  ), applied AS (
    UPDATE seedbox_billing_accounts a
       SET balance_cents = a.balance_cents + t.delta
      FROM totals t
     WHERE a.uid = t.account_uid
    RETURNING a.uid, a.balance_cents - t.delta AS balance_before
  ), chain AS (
    SELECT e.id, e.account_uid, e.balance_after_cents,
           p.balance_before + sum(e.amount_cents) OVER (PARTITION BY e.account_uid ORDER BY e.id) AS expected
      FROM new_entries e JOIN applied p ON p.uid = e.account_uid
  )
  SELECT * INTO broken FROM chain WHERE balance_after_cents <> expected ORDER BY id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % of account % says balance after % but the ledger gives %',
      broken.id, broken.account_uid, broken.balance_after_cents, broken.expected
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER seedbox_ledger_entries_apply AFTER INSERT ON seedbox_ledger_entries
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION seedbox_apply_entries();

-- The host key is pinned once (DESIGN §7): a lost status cannot re-pin silently. Only a new host or port
-- (an explicit spec change) may clear the pin.
CREATE FUNCTION seedbox_keep_host_key_pin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.pinned_host_key IS NOT NULL AND NEW.pinned_host_key IS DISTINCT FROM OLD.pinned_host_key
     AND NOT (NEW.pinned_host_key IS NULL AND (NEW.host <> OLD.host OR NEW.port <> OLD.port)) THEN
    RAISE EXCEPTION 'host key of BYOS connection % is already pinned', OLD.uid
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER seedbox_byos_connections_pin_once BEFORE UPDATE ON seedbox_byos_connections
  FOR EACH ROW EXECUTE FUNCTION seedbox_keep_host_key_pin();

REVOKE ALL ON FUNCTION seedbox_refuse_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION seedbox_apply_entries() FROM PUBLIC;
REVOKE ALL ON FUNCTION seedbox_keep_host_key_pin() FROM PUBLIC;
