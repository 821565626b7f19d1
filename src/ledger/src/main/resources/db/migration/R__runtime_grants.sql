-- What each service's runtime role may do, exactly (architecture §8): the operator (${operatorRole}) and the
-- billing-controller (${billingRole}), each only what it calls. Re-applied whenever this file or a role name
-- changes; it starts from nothing, so a privilege removed here is removed from the database too.
-- Neither role owns anything, so neither can ALTER, TRUNCATE or disable triggers; neither may INSERT ledger entries,
-- balances or seals: money moves only through the owner-defined functions of V4, which check each kind's rule.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${operatorRole}, ${billingRole};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${operatorRole}, ${billingRole};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ${operatorRole}, ${billingRole};
REVOKE ALL ON SCHEMA public FROM ${operatorRole}, ${billingRole};
GRANT USAGE ON SCHEMA public TO ${operatorRole}, ${billingRole};

-- ---- both: read the ledger, append audit events (the database stamps their time and transaction)
-- (seals and faults too: both mains run `verify`)
GRANT SELECT ON seedbox_billing_accounts, seedbox_ledger_entries, seedbox_resources, seedbox_audit_events,
                seedbox_audit_seals, seedbox_audit_seal_faults
  TO ${operatorRole}, ${billingRole};
GRANT INSERT (occurred_at, actor, action, resource, detail) ON seedbox_audit_events TO ${operatorRole}, ${billingRole};
-- settling (after any money move, from either service) posts due charges, holds what it cannot pay and moves the
-- account's standing
GRANT EXECUTE ON FUNCTION seedbox_post_charges(text[], integer[], text, timestamptz) TO ${operatorRole}, ${billingRole};
GRANT UPDATE (state, below_threshold, version, updated_at) ON seedbox_billing_accounts TO ${operatorRole}, ${billingRole};
GRANT UPDATE (billing_hold, terminate_at, updated_at) ON seedbox_resources TO ${operatorRole}, ${billingRole};

-- ---- the operator: BillingAccount and Seedbox reconcilers, BYOS connections
-- accounts open at 0: balance_cents is not an insertable column
GRANT INSERT (uid, namespace, name, owner, currency, low_balance_threshold_cents, grace_period_days, state,
              below_threshold, created_at, updated_at)
  ON seedbox_billing_accounts TO ${operatorRole};
GRANT UPDATE (namespace, name, owner, currency, low_balance_threshold_cents, grace_period_days)
  ON seedbox_billing_accounts TO ${operatorRole};
-- the row and its price snapshot; paid-through and the charge count move only with a charge
GRANT INSERT (seedbox_uid, account_uid, namespace, name, plan, price_cents, phase, created_at, updated_at)
  ON seedbox_resources TO ${operatorRole};
GRANT UPDATE (namespace, name, phase, provider_ref, operator_hold, operator_hold_reason, management_hold,
              management_hold_reason) ON seedbox_resources
  TO ${operatorRole};
GRANT EXECUTE ON FUNCTION seedbox_post_refund(bigint, bigint, text, text, timestamptz) TO ${operatorRole};
GRANT SELECT, INSERT ON seedbox_byos_connections TO ${operatorRole};
GRANT UPDATE (namespace, name, host, port, ssh_user, public_key, fingerprint, secret_ref, pinned_host_key,
              pinned_at, updated_at)
  ON seedbox_byos_connections TO ${operatorRole};

-- BYOS host ports (V10): allocate on install, release on terminate
GRANT SELECT, INSERT, DELETE ON seedbox_host_ports TO ${operatorRole};

-- ---- the billing-controller: payments, webhooks, the billing cycle, the sealer, adjustments
GRANT SELECT ON seedbox_payments, seedbox_webhook_events, seedbox_unmatched_webhook_events TO ${billingRole};
GRANT INSERT (id, account_uid, amount_cents, blockchain, gateway, gateway_payment_id, created_at, updated_at)
  ON seedbox_payments TO ${billingRole};
GRANT UPDATE (status, gateway_payment_id, updated_at) ON seedbox_payments TO ${billingRole};
GRANT INSERT ON seedbox_webhook_events TO ${billingRole};
GRANT INSERT (event_id, payment_id, type, body, received_at) ON seedbox_unmatched_webhook_events TO ${billingRole};
GRANT UPDATE (resolved_at, resolution) ON seedbox_unmatched_webhook_events TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_credit_payment(uuid, text, timestamptz, text) TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_credit_paid_webhook(uuid, text, text, text, text, timestamptz, text) TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_credit_paid_webhooks(text[], text[], text[], text, timestamptz, text)
  TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_post_adjustment(text, text, bigint, text, text, timestamptz) TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_seal_audit_events(integer) TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_try_lock(text) TO ${billingRole};
-- the pending-payment poll's lease (V8): one replica polls the gateway at a time
GRANT EXECUTE ON FUNCTION seedbox_take_lease(text, text, interval) TO ${billingRole};
GRANT EXECUTE ON FUNCTION seedbox_release_lease(text, text) TO ${billingRole};
-- the webhook slow path's lock on a gateway payment id (V9)
GRANT EXECUTE ON FUNCTION seedbox_lock_gateway_id(text) TO ${billingRole};
-- the only way to change a pinned host key, host or port (V6); audited in the same transaction
GRANT EXECUTE ON FUNCTION seedbox_repin_host_key(text, text, integer, text, text, timestamptz) TO ${operatorRole};
