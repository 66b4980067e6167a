-- Indicator facts: the projection behind the FAMI monitoring reports (issue 7).
-- Written only by the indicator projector (infra/indicators/projector.py), rebuildable from
-- events at any time with `pathways projections rebuild`.

-- One row per interval during which a pathway held a fact with a weight.
-- `since`/`until` are RECORDING time (events.recorded_at of the events that opened and
-- closed it): "as known at T" is `since <= T AND (until IS NULL OR until > T)`, and at most
-- one row of a (pathway_id, fact) holds at any T. `occurred_since`/`occurred_until` are the
-- BUSINESS time (events.occurred_at) of the same events, for "during a period" reports.
CREATE TABLE indicator_facts (
    pathway_id      text COLLATE "C" NOT NULL,
    fact            text COLLATE "C" NOT NULL,
    weight          integer NOT NULL,
    since           timestamptz NOT NULL,
    until           timestamptz,
    occurred_since  timestamptz NOT NULL,
    occurred_until  timestamptz,
    opened_by       bigint NOT NULL,   -- global position of the event that opened it
    closed_by       bigint,            -- and of the one that closed it
    CHECK (until IS NULL OR until > since),
    CHECK ((until IS NULL) = (closed_by IS NULL))
);

-- The projector closes a pathway's open facts by (pathway_id, fact); at most one is open.
CREATE UNIQUE INDEX indicator_facts_open_idx
    ON indicator_facts (pathway_id, fact) WHERE until IS NULL;

-- Reports and drill-down read by fact and recording time; the included columns let the
-- dashboard's aggregate run as an index-only scan.
CREATE INDEX indicator_facts_fact_idx
    ON indicator_facts (fact, since) INCLUDE (until, pathway_id, weight);

-- A pathway's history of facts (drill-down to the events, scoped reports).
CREATE INDEX indicator_facts_pathway_idx ON indicator_facts (pathway_id, since);

-- The pathway's current disaggregation dimensions (latest known, not as of a date).
CREATE TABLE indicator_dimensions (
    pathway_id        text COLLATE "C" PRIMARY KEY,
    organisation_id   text COLLATE "C",
    gender            text,
    age_band          text,
    nationality       text,
    protection_status text
);

CREATE INDEX indicator_dimensions_organisation_idx
    ON indicator_dimensions (organisation_id, pathway_id);

-- The projector's memory of each pathway: the state after the last event it applied, so
-- that a batch evolves a pathway from its snapshot instead of folding its whole stream.
CREATE TABLE indicator_states (
    pathway_id text COLLATE "C" PRIMARY KEY,
    version    integer NOT NULL,
    state      jsonb NOT NULL
);

-- How far each projection has read `events`, written in the same transaction as its rows.
CREATE TABLE projection_positions (
    name       text PRIMARY KEY,
    position   bigint NOT NULL CHECK (position >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
