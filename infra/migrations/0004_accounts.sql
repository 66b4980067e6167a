-- Accounts: organisations, the people who sign in, and their API tokens.
-- Passwords are argon2id hashes; tokens are stored only as their SHA-256 digest.

CREATE TABLE organisations (
    organisation_id text COLLATE "C" PRIMARY KEY,
    name            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    account_id      text COLLATE "C" PRIMARY KEY,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role <> 'system'),
    organisation_id text COLLATE "C" REFERENCES organisations (organisation_id),
    email           text,
    language        text NOT NULL DEFAULT 'it',
    active          boolean NOT NULL DEFAULT true,
    password_hash   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX accounts_organisation_idx ON accounts (organisation_id, account_id);

CREATE TABLE api_tokens (
    digest      text PRIMARY KEY,
    account_id  text COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    label       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

CREATE INDEX api_tokens_account_idx ON api_tokens (account_id);
