-- Ports a Seedbox uses on a customer's own server (BYOS): several Seedboxes share one server, so each gets its own
-- ports from the operator's range. The primary key makes two allocations of one port on one host impossible,
-- whichever replica or thread asks.
CREATE TABLE seedbox_host_ports (
  host         text        NOT NULL,
  port         integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
  seedbox_uid  text        NOT NULL,
  purpose      text        NOT NULL CHECK (purpose ~ '^[a-z][a-z0-9-]{0,31}$'),
  allocated_at timestamptz NOT NULL,
  PRIMARY KEY (host, port),
  UNIQUE (host, seedbox_uid, purpose)
);
