-- A seedbox on a customer's own server that the operator cannot manage (its ByosConnection is gone or no longer
-- lets us in) is not charged: the hold keeps it out of the billing cycle until the server can be managed again. It
-- is the operator's to place and lift, apart from the billing policy's own hold for non-payment.
ALTER TABLE seedbox_resources
  ADD COLUMN management_hold        boolean NOT NULL DEFAULT false,
  ADD COLUMN management_hold_reason text,
  ADD CONSTRAINT management_hold_has_reason CHECK (management_hold = (management_hold_reason IS NOT NULL));
