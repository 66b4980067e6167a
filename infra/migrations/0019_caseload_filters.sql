-- The caseload list's filters (issue 24, docs/web.md "The caseload list"): the kinds of
-- measure in each pathway's plan and the beneficiary's protection status, so a list can be
-- filtered by them in SQL and paged past any number of pathways. The protection status is
-- the code the indicators already keep per pathway (0007), not a name or a document.
-- Rows written before this migration have neither until `pathways projections rebuild
-- --name read-models` folds their events again.

ALTER TABLE pathway_summaries
    ADD COLUMN protection_status text,
    ADD COLUMN measure_kinds text[] NOT NULL DEFAULT '{}';

CREATE INDEX pathway_summaries_measure_kinds_idx
    ON pathway_summaries USING gin (measure_kinds);
CREATE INDEX pathway_summaries_opened_idx ON pathway_summaries (opened_at, pathway_id);
CREATE INDEX pathway_summaries_deadline_idx ON pathway_summaries (next_deadline, pathway_id);
