-- Indexes for the indicator reports at scale (issue 7; bench/indicators_scale.py: 100,000
-- pathways, ~1.8 million fact rows).

-- The period report keeps the latest interval of each (pathway, fact) with DISTINCT ON: in
-- this order, with every column it reads included, it is an index-only scan with no sort
-- (3.1 s → 0.85–1.3 s at 100k pathways, docs/indicators.md "Scale"). It also serves a
-- pathway's history of facts, so it replaces the (pathway_id, since) index.
DROP INDEX indicator_facts_pathway_idx;
CREATE INDEX indicator_facts_key_idx
    ON indicator_facts (pathway_id, fact, since DESC)
    INCLUDE (until, occurred_since, occurred_until, weight, opened_by);

-- The trend reads the facts that ended before its last instant by their end: few rows (a
-- fact rarely closes), so a partial index keeps that half of the query small.
CREATE INDEX indicator_facts_closed_idx
    ON indicator_facts (fact, until) INCLUDE (since, pathway_id, weight)
    WHERE until IS NOT NULL;
