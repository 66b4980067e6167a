-- Partner organisations of the managing organisations, their contacts, and who changed them.
-- A contact's name, e-mail and phone are sealed (JSON text of the sealer, a data key per
-- contact, owner `partners/<contact_id>`): partner staff's personal data, erasable alone.

CREATE TABLE partners (
    partner_id      text COLLATE "C" PRIMARY KEY,
    organisation_id text COLLATE "C" NOT NULL REFERENCES organisations (organisation_id),
    name            text NOT NULL,
    kind            text NOT NULL,
    address         text,
    city            text,
    fiscal_code     text,
    registered_by   text NOT NULL,
    registered_at   timestamptz NOT NULL
);

CREATE INDEX partners_organisation_idx ON partners (organisation_id, name);

CREATE TABLE partner_contacts (
    contact_id  text COLLATE "C" PRIMARY KEY,
    partner_id  text COLLATE "C" NOT NULL REFERENCES partners (partner_id),
    position    bigserial,
    name        text NOT NULL,
    role        text NOT NULL,
    email       text,
    phone       text
);

CREATE INDEX partner_contacts_partner_idx ON partner_contacts (partner_id, position);

CREATE TABLE partner_changes (
    position    bigserial PRIMARY KEY,
    partner_id  text COLLATE "C" NOT NULL REFERENCES partners (partner_id),
    action      text NOT NULL,
    detail      text NOT NULL DEFAULT '',
    actor_id    text NOT NULL,
    actor_role  text NOT NULL,
    at          timestamptz NOT NULL
);

CREATE INDEX partner_changes_partner_idx ON partner_changes (partner_id, position);
