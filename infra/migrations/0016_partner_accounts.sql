-- Partner accounts (issue 23, docs/partners.md): the links of partner contacts to measures,
-- the contact a partner account is bound to, and the one-time links that invite it.

-- The partner contacts linked to the measures of each pathway: one row per
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

-- A partner account is bound to one partner contact (role `partner`, docs/partners.md).
ALTER TABLE accounts ADD COLUMN contact_id text COLLATE "C" REFERENCES partner_contacts (contact_id);
ALTER TABLE accounts ADD CONSTRAINT accounts_partner_contact
    CHECK ((role = 'partner') = (contact_id IS NOT NULL));

-- One-time links a partner sets a password with: only the SHA-256 digest of the token is
-- kept, and a link serves once, before it expires.
CREATE TABLE account_invitations (
    digest      text PRIMARY KEY,
    account_id  text COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);

CREATE INDEX account_invitations_account_idx ON account_invitations (account_id);
