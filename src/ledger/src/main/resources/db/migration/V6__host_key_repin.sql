-- A pinned host key changes only through an explicit, audited request (issue 12, attack 5). V1's trigger let any
-- UPDATE clear the pin together with a host or port change; two UPDATEs (change the host and clear the pin, then
-- restore the host with a new pin) replaced the pin with no trace. Now, once a key is pinned, its pin, host and port
-- change only inside seedbox_repin_host_key, which writes the audit event in the same transaction; anyone else,
-- the runtime role included, is refused.

CREATE OR REPLACE FUNCTION seedbox_keep_host_key_pin() RETURNS trigger LANGUAGE plpgsql
  SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  IF OLD.pinned_host_key IS NOT NULL
     AND (NEW.pinned_host_key IS DISTINCT FROM OLD.pinned_host_key OR NEW.pinned_at IS DISTINCT FROM OLD.pinned_at
          OR NEW.host IS DISTINCT FROM OLD.host OR NEW.port IS DISTINCT FROM OLD.port)
     -- inside the SECURITY DEFINER function below current_user is the table's owner; for any caller it is not
     AND current_user IS DISTINCT FROM (SELECT pg_catalog.pg_get_userbyid(c.relowner)
                                          FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID) THEN
    RAISE EXCEPTION 'host key of BYOS connection % is pinned: its pin, host and port change only through '
      'seedbox_repin_host_key (an audited re-pin request)', OLD.uid
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

-- The one way to move a pinned connection or to accept a new host key: the accepted key becomes the pin, and the
-- request is an audit event in the same transaction.
CREATE FUNCTION seedbox_repin_host_key(p_uid text, p_host text, p_port integer, p_accepted_host_key text,
    p_actor text, p_now timestamptz) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
  c public.seedbox_byos_connections%ROWTYPE;
BEGIN
  IF p_accepted_host_key IS NULL OR p_accepted_host_key !~ '^SHA256:[A-Za-z0-9+/]{43}$' THEN
    RAISE EXCEPTION 'expected the accepted host key as SHA256:<43 base64 characters>, found %',
      coalesce(p_accepted_host_key, 'nothing') USING ERRCODE = 'check_violation';
  END IF;
  IF p_actor IS NULL OR p_actor = '' THEN
    RAISE EXCEPTION 'a re-pin names its actor' USING ERRCODE = 'check_violation';
  END IF;
  SELECT * INTO c FROM public.seedbox_byos_connections WHERE uid = p_uid FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no BYOS connection %', p_uid USING ERRCODE = 'no_data_found';
  END IF;
  IF c.pinned_host_key IS NOT DISTINCT FROM p_accepted_host_key AND c.host = p_host AND c.port = p_port THEN
    RETURN;
  END IF;
  UPDATE public.seedbox_byos_connections
     SET host = p_host, port = p_port, pinned_host_key = p_accepted_host_key, pinned_at = p_now, updated_at = p_now
   WHERE uid = p_uid;
  INSERT INTO public.seedbox_audit_events (occurred_at, actor, action, resource, detail)
  VALUES (p_now, p_actor, 'byos.host-key-repinned', 'byosconnection:' || p_uid,
          pg_catalog.jsonb_build_object('previousHostKey', c.pinned_host_key, 'hostKey', p_accepted_host_key,
                                        'previousHost', c.host, 'previousPort', c.port,
                                        'host', p_host, 'port', p_port));
END
$$;
REVOKE ALL ON FUNCTION seedbox_repin_host_key(text, text, integer, text, text, timestamptz) FROM PUBLIC;
