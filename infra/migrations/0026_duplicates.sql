-- Duplicate detection (issue 24, docs/privacy.md "Duplicate detection", docs/indicators.md
-- "One person, counted once"). Possible duplicates are computed from search_tokens when
-- asked; these tables keep only what a coordinator decided, and the persons it made.
-- Pathway ids only: nothing of the beneficiary.

CREATE TABLE duplicate_decisions (
    first_pathway_id  text COLLATE "C" NOT NULL,
    second_pathway_id text COLLATE "C" NOT NULL,
    decision          text NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
    reason            text NOT NULL,
    decided_by        text NOT NULL,
    decided_at        timestamptz NOT NULL,
    PRIMARY KEY (first_pathway_id, second_pathway_id),
    CHECK (first_pathway_id < second_pathway_id)
);

-- Each pathway of a confirmed pair: the person it counts as (the least pathway id of the
-- pathways the confirmations join) since the instant it was first linked.
CREATE TABLE person_links (
    pathway_id text COLLATE "C" PRIMARY KEY,
    person_key text COLLATE "C" NOT NULL,
    linked_at  timestamptz NOT NULL
);
