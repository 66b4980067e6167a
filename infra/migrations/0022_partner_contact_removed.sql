-- A partner contact removed from the registry (issue 23, docs/partners.md, "Editing and
-- removing"): kept for the history that names it, no longer linked, invited or signed in.
ALTER TABLE partner_contacts ADD COLUMN removed_at timestamptz;
