-- The access log (who read which pathway's personal data, when, why, through what),
-- the sign-in throttle (failed attempts per account and per client address) and signed-out
-- sessions. All are shared by every web process of an installation.

CREATE TABLE access_log (
    entry_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    account_id text COLLATE "C" NOT NULL,
    role       text NOT NULL,
    pathway_id text COLLATE "C" NOT NULL,
    what       text NOT NULL,
    purpose    text NOT NULL,
    channel    text NOT NULL CHECK (channel IN ('page', 'api', 'cli', 'codec')),
    detail     text
);

CREATE INDEX access_log_at_idx ON access_log (at DESC, entry_id DESC);
CREATE INDEX access_log_pathway_idx ON access_log (pathway_id, at DESC);
CREATE INDEX access_log_account_idx ON access_log (account_id, at DESC);

-- Append-only: an entry, once written, is evidence; nobody edits or deletes it.
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();

-- One row per throttled key (`account:<id>` or `client:<address>`).
CREATE TABLE sign_in_throttle (
    key          text COLLATE "C" PRIMARY KEY,
    failures     integer NOT NULL,
    first_failed timestamptz NOT NULL,
    locked_until timestamptz,
    lockouts     integer NOT NULL DEFAULT 0
);

-- Sessions signed out before they expired: a copy of the cookie is refused.
CREATE TABLE revoked_sessions (
    session_id text COLLATE "C" PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
