-- Leases for the billing-controller's singleton jobs that run longer than a transaction should stay open (the
-- pending-payment poll paces its gateway calls over minutes; an open transaction would hold back the audit sealer,
-- which seals only finished transactions). An advisory lock would do, but any role can take any advisory key, so
-- the operator's role could stop the poll for good; a lease row changes only through these functions, which only the
-- billing role may call, and a holder that dies loses its lease when the lease runs out.
CREATE TABLE public.seedbox_leases (
  name          text        PRIMARY KEY,
  holder        text,
  leased_until  timestamptz
);
INSERT INTO public.seedbox_leases (name) VALUES ('pending-payment-poll');

-- true when p_holder now holds the named lease until now() + p_for: it was free, ran out, or was p_holder's already
CREATE FUNCTION public.seedbox_take_lease(p_name text, p_holder text, p_for interval) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF p_for IS NULL OR p_for <= interval '0' OR p_for > interval '1 hour' THEN
    RAISE EXCEPTION 'expected a lease of more than 0 and at most 1 hour, found %', p_for
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.seedbox_leases l WHERE l.name = p_name) THEN
    RAISE EXCEPTION 'no lease named %', p_name USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE public.seedbox_leases l SET holder = p_holder, leased_until = pg_catalog.now() + p_for
   WHERE l.name = p_name
     AND (l.holder IS NULL OR l.holder = p_holder OR l.leased_until IS NULL OR l.leased_until < pg_catalog.now());
  RETURN FOUND;
END
$$;

-- gives the lease back, if p_holder holds it
CREATE FUNCTION public.seedbox_release_lease(p_name text, p_holder text) RETURNS boolean
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  UPDATE public.seedbox_leases l SET holder = NULL, leased_until = NULL
   WHERE l.name = p_name AND l.holder = p_holder;
  RETURN FOUND;
END
$$;

REVOKE ALL ON TABLE public.seedbox_leases FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_take_lease(text, text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.seedbox_release_lease(text, text) FROM PUBLIC;
