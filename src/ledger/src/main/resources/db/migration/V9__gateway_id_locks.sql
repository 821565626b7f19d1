-- The webhook slow path and attaching a gateway payment id serialise on the gateway id (LedgerPaymentEvents). An
-- advisory key would do, but any role can take any advisory key, so the operator's role could stall a payment's
-- events; a row of this table is locked only through seedbox_lock_gateway_id, which only the billing role may call,
-- and like an advisory transaction lock it is held until the calling transaction ends.
CREATE TABLE public.seedbox_gateway_id_locks (
  gateway_payment_id  text  PRIMARY KEY CHECK (length(gateway_payment_id) BETWEEN 1 AND 300)
);

CREATE FUNCTION public.seedbox_lock_gateway_id(p_gateway_payment_id text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  INSERT INTO public.seedbox_gateway_id_locks (gateway_payment_id) VALUES (p_gateway_payment_id)
  ON CONFLICT DO NOTHING;
  PERFORM 1 FROM public.seedbox_gateway_id_locks l WHERE l.gateway_payment_id = p_gateway_payment_id FOR UPDATE;
END
$$;

REVOKE ALL ON TABLE public.seedbox_gateway_id_locks FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_lock_gateway_id(text) FROM PUBLIC;
