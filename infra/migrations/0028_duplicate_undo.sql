-- Undoing a duplicate decision (issue 24, docs/privacy.md "Duplicate detection"). The
-- decisions become a log: a pair may be decided, undone and decided again, each an entry;
-- its decision now is its latest entry, none when that is an undoing. A person link ends
-- (unlinked_at) when the confirmation that made it is undone, so a report as of an
-- earlier instant still counts the person once, and one as of a later instant twice.

ALTER TABLE duplicate_decisions DROP CONSTRAINT duplicate_decisions_pkey;
ALTER TABLE duplicate_decisions ADD COLUMN position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE duplicate_decisions DROP CONSTRAINT duplicate_decisions_decision_check;
ALTER TABLE duplicate_decisions ADD CONSTRAINT duplicate_decisions_decision_check
    CHECK (decision IN ('confirmed', 'dismissed', 'undone'));
CREATE INDEX duplicate_decisions_pair
    ON duplicate_decisions (first_pathway_id, second_pathway_id, position);

ALTER TABLE person_links DROP CONSTRAINT person_links_pkey;
ALTER TABLE person_links ADD COLUMN unlinked_at timestamptz;
ALTER TABLE person_links ADD CONSTRAINT person_links_interval
    CHECK (unlinked_at IS NULL OR unlinked_at >= linked_at);
CREATE UNIQUE INDEX person_links_open ON person_links (pathway_id) WHERE unlinked_at IS NULL;
CREATE INDEX person_links_pathway ON person_links (pathway_id, linked_at);
