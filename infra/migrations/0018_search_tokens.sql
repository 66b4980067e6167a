-- The search index (issue 24, docs/search.md, docs/privacy.md "The blind index"): each
-- pathway's blind-index tokens, one row each: HMAC-SHA256 (truncated to 128 bits, hex) of a
-- normalised word of the beneficiary's name, her document number, phone or birth date,
-- under the installation's search key (`@search` in pathway_keys), never the words
-- themselves. Written with the event that opens the pathway, in the append's transaction;
-- deleted by the pathway's erasure, in its transaction.

CREATE TABLE search_tokens (
    pathway_id text COLLATE "C" NOT NULL,
    kind       text COLLATE "C" NOT NULL,
    token      text COLLATE "C" NOT NULL,
    PRIMARY KEY (pathway_id, kind, token)
);

-- "Which pathways hold this token": every search and duplicate check.
CREATE INDEX search_tokens_lookup_idx ON search_tokens (token, pathway_id);
