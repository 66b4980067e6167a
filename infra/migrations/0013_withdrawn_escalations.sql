-- Escalations withdrawn by a fact recorded later that met their obligation on time
-- (docs/notifications.md, "Withdrawn escalations"). The rows stay: a supervisor still sees
-- that the escalation was sent, and why it no longer stands.

-- The inbox row says when it was withdrawn, by which fact (its event type) and when that
-- fact happened (its business time, before the due instant).
ALTER TABLE inbox
    ADD COLUMN withdrawn_at timestamptz,
    ADD COLUMN withdrawn_by text,
    ADD COLUMN met_at       timestamptz;

-- An outbox row withdrawn before it was sent is never claimed.
ALTER TABLE outbox ADD COLUMN withdrawn_at timestamptz;

DROP INDEX outbox_pending_idx;
CREATE INDEX outbox_pending_idx
    ON outbox (next_attempt_at NULLS FIRST, created_at, notification_id)
    WHERE sent_at IS NULL AND NOT given_up AND withdrawn_at IS NULL;

-- "The escalations of this obligation": what a withdrawal looks up, in both tables.
CREATE INDEX inbox_obligation_idx ON inbox (pathway_id, obligation_id) WHERE escalation;
CREATE INDEX outbox_unsent_obligation_idx ON outbox (pathway_id, obligation_id)
    WHERE escalation AND sent_at IS NULL;
