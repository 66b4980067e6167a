-- A ledger row follows its pathway: a payment recorded paid or returned in its pathway
-- before any export (by hand, or by another channel than a statement) is settled without
-- ever being in a batch. Only an exported row must name its batch; an approved row never
-- does, so an export takes only what was never exported.

ALTER TABLE ledger DROP CONSTRAINT ledger_batched;
ALTER TABLE ledger ADD CONSTRAINT ledger_batched CHECK (
    (status = 'approved' AND batch_id IS NULL)
    OR (status = 'exported' AND batch_id IS NOT NULL)
    OR status IN ('paid', 'returned')
);
