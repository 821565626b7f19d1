-- Which payment gateway a payment was opened at: the name in /webhooks/{gateway}, and the gateway the poll asks
-- about the payment. Every payment before this migration was opened at CoinPayPortal. The runtime role's INSERT on
-- the table covers the column; no UPDATE is granted, so a payment never moves to another gateway.
ALTER TABLE seedbox_payments
  ADD COLUMN gateway text NOT NULL DEFAULT 'coinpayportal' CHECK (gateway ~ '^[a-z0-9][a-z0-9-]{0,31}$');
