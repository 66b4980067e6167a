-- The partner contacts linked to the measures of each pathway (docs/partners.md): one row per
-- contact and measure, written with the events that link and unlink them, in the append's
-- transaction. What a partner's scope reads: the pathways and measures its contact delivers.

CREATE TABLE partner_links (
    pathway_id      text COLLATE "C" NOT NULL,
    measure_id      text COLLATE "C" NOT NULL,
    contact_id      text COLLATE "C" NOT NULL,
    organisation_id text COLLATE "C" NOT NULL,
    measure_kind    text NOT NULL,
    partner_id      text COLLATE "C" NOT NULL,
    PRIMARY KEY (pathway_id, measure_id, contact_id)
);

-- "The assignments of this contact": a partner's home page and every scope check.
CREATE INDEX partner_links_contact_idx ON partner_links (contact_id, pathway_id, measure_id);
