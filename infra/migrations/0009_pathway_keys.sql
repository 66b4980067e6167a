-- Data-encryption keys, one per pathway (docs/privacy.md), wrapped by the master key.
-- `pathway_id` is the pathway's id, or 'system' for payloads that belong to no pathway.
-- Crypto-shredding sets `wrapped` to NULL and records when: the ciphertexts stay, unreadable.
CREATE TABLE pathway_keys (
    pathway_id     text COLLATE "C" NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    wrapped        bytea,                 -- nonce || AES-GCM(master, key), AAD = key id
    master_key_id  text NOT NULL,         -- which master key wrapped it (a fingerprint)
    created_at     timestamptz NOT NULL DEFAULT now(),
    destroyed_at   timestamptz,
    PRIMARY KEY (pathway_id, version),
    CHECK ((wrapped IS NULL) = (destroyed_at IS NOT NULL))
);

-- Every step of an erasure, and every legal hold set or released: who, when, why.
CREATE TABLE privacy_audit (
    audit_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pathway_id  text COLLATE "C" NOT NULL,
    action      text NOT NULL,            -- legal_hold_set, legal_hold_released, erased, refused
    actor       text NOT NULL,
    reason      text NOT NULL,
    request_id  text,
    detail      jsonb NOT NULL DEFAULT '{}',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX privacy_audit_pathway_idx ON privacy_audit (pathway_id, at);

-- A legal hold blocks erasure while it lasts.
CREATE TABLE legal_holds (
    pathway_id  text COLLATE "C" PRIMARY KEY,
    reason      text NOT NULL,
    set_by      text NOT NULL,
    set_at      timestamptz NOT NULL DEFAULT now()
);
