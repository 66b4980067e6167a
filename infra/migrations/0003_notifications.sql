-- Notifications the deadline ladder owes people, written by the append in the same
-- transaction as the ladder events that owe them (see docs/notifications.md).
-- Neither table holds personal data: opaque ids, an obligation kind and instants.

-- The outbox: what the e-mail sender still has to deliver. Keyed by the notification id
-- (`<stream id>:<version>` of the ladder event), so a notification is queued once.
CREATE TABLE outbox (
    notification_id text COLLATE "C" PRIMARY KEY,
    pathway_id      text COLLATE "C" NOT NULL,
    organisation_id text COLLATE "C" NOT NULL,
    recipient_role  text NOT NULL,
    recipient_id    text COLLATE "C",
    escalation      boolean NOT NULL,
    obligation_kind text NOT NULL,
    obligation_id   text COLLATE "C" NOT NULL,
    measure_id      text COLLATE "C",
    due_at          timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,   -- the ladder event's recording time
    attempts        integer NOT NULL DEFAULT 0,
    -- NULL: never tried, due at once. Else not before this instant: the end of a sender's
    -- claim on the row, or when to retry after a failure.
    next_attempt_at timestamptz,
    sent_at         timestamptz,
    given_up        boolean NOT NULL DEFAULT false,  -- failed for good: never retried
    last_error      text
);

-- "Pending to send": what the sender claims, never-tried first, then by retry instant.
CREATE INDEX outbox_pending_idx
    ON outbox (next_attempt_at NULLS FIRST, created_at, notification_id)
    WHERE sent_at IS NULL AND NOT given_up;

-- The in-app inbox: one row per notification, addressed to a person (recipient_id) or to
-- every holder of a role in an organisation (the coordinator: in any organisation).
-- A read model: rebuilding it from the events keeps the rows already there (and read_at).
CREATE TABLE inbox (
    notification_id text COLLATE "C" PRIMARY KEY,
    pathway_id      text COLLATE "C" NOT NULL,
    organisation_id text COLLATE "C" NOT NULL,
    recipient_role  text NOT NULL,
    recipient_id    text COLLATE "C",
    escalation      boolean NOT NULL,
    obligation_kind text NOT NULL,
    obligation_id   text COLLATE "C" NOT NULL,
    measure_id      text COLLATE "C",
    due_at          timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz
);

-- "The inbox of a person": rows addressed to them, and rows addressed to their role.
CREATE INDEX inbox_person_idx ON inbox (recipient_id, created_at DESC)
    WHERE recipient_id IS NOT NULL;
CREATE INDEX inbox_role_idx ON inbox (recipient_role, organisation_id, created_at DESC)
    WHERE recipient_id IS NULL;

-- "What is overdue for me / my organisation" needs no index of its own: it goes through
-- the summaries' caseworker and organisation indexes, then the obligations' primary key.
