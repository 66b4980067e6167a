-- Read models written in the same transaction as the events they derive from.
-- They hold no personal data and can be rebuilt from the events at any time.

CREATE TABLE pathway_summaries (
    pathway_id         text COLLATE "C" PRIMARY KEY,
    organisation_id    text COLLATE "C" NOT NULL,
    caseworker_id      text COLLATE "C" NOT NULL,
    stage              text NOT NULL,
    suspended          boolean NOT NULL,
    version            integer NOT NULL,
    opened_at          timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    next_deadline      timestamptz,
    measures_planned   integer NOT NULL,
    measures_active    integer NOT NULL,
    measures_completed integer NOT NULL
);

-- Caseload lists: a caseworker's or an organisation's pathways, optionally by stage.
CREATE INDEX pathway_summaries_caseworker_idx ON pathway_summaries (caseworker_id, stage);
CREATE INDEX pathway_summaries_organisation_idx ON pathway_summaries (organisation_id, stage);
CREATE INDEX pathway_summaries_stage_idx ON pathway_summaries (stage);

-- What each pathway owes now; replaced wholesale on every append.
CREATE TABLE pathway_obligations (
    pathway_id    text COLLATE "C" NOT NULL
                  REFERENCES pathway_summaries (pathway_id) ON DELETE CASCADE,
    obligation_id text COLLATE "C" NOT NULL,
    kind          text NOT NULL,
    due_at        timestamptz NOT NULL,
    measure_id    text COLLATE "C",
    PRIMARY KEY (pathway_id, obligation_id)
);

-- The escalation inbox: everything due before an instant, earliest first.
CREATE INDEX pathway_obligations_due_at_idx ON pathway_obligations (due_at);
