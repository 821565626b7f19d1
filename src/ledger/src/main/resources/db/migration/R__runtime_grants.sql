-- What the runtime role may do, exactly (DESIGN §8). Re-applied whenever this file or the role name changes.
-- Append-only tables: SELECT and INSERT only. Mutable tables: UPDATE only on the columns the services change.
-- The role owns nothing, so it cannot ALTER, TRUNCATE or disable triggers.

GRANT USAGE ON SCHEMA public TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_ledger_entries, seedbox_audit_events, seedbox_audit_seals TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_billing_accounts TO ${runtimeRole};
-- not balance_cents: only inserting ledger entries moves a balance
GRANT UPDATE (namespace, name, owner, currency, state, low_balance_threshold_cents, grace_period_days,
              below_threshold, last_top_up_at, last_top_up_cents, version, updated_at)
  ON seedbox_billing_accounts TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_resources TO ${runtimeRole};
GRANT UPDATE (namespace, name, phase, provider_ref, paid_through, charge_count, billing_hold, terminate_at,
              operator_hold, operator_hold_reason, updated_at)
  ON seedbox_resources TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_payments TO ${runtimeRole};
GRANT UPDATE (status, gateway_payment_id, updated_at) ON seedbox_payments TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_webhook_events TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_unmatched_webhook_events TO ${runtimeRole};
GRANT UPDATE (resolved_at, resolution) ON seedbox_unmatched_webhook_events TO ${runtimeRole};

GRANT SELECT, INSERT ON seedbox_byos_connections TO ${runtimeRole};
GRANT UPDATE (namespace, name, host, port, ssh_user, public_key, fingerprint, secret_ref, pinned_host_key,
              pinned_at, updated_at)
  ON seedbox_byos_connections TO ${runtimeRole};

-- the webhook credit path in one call (V2); SECURITY INVOKER, so the grants above still bound what it can do
GRANT EXECUTE ON FUNCTION seedbox_credit_paid_webhook(uuid, text, text, text, text, timestamptz, text) TO ${runtimeRole};
GRANT EXECUTE ON FUNCTION seedbox_credit_paid_webhooks(text[], text[], text[], text, timestamptz, text)
  TO ${runtimeRole};

-- the only way to change a pinned host key, host or port (V6); audited in the same transaction
GRANT EXECUTE ON FUNCTION seedbox_repin_host_key(text, text, integer, text, text, timestamptz) TO ${runtimeRole};
