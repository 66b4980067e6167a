-- The statement import that settled a row (docs/payments.md, "The import is a workflow"):
-- an import's settling step retried after its commit (its worker killed before Temporal
-- heard of it) tells its own settlement from an earlier import's, and reports the line as
-- paid or returned, not as a duplicate. Null for rows settled by their pathway or before.
ALTER TABLE ledger ADD COLUMN settled_by text;
