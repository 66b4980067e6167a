-- Documents attached to pathways (issue 24, docs/documents.md): the bytes of each, sealed
-- with the pathway's data key (AES-256-GCM, bound to pathway, document and sha256), so the
-- pathway's erasure makes them unreadable. What a document is (kind, size, sha256, what it
-- is attached to, by whom) is the event DocumentAttached; a row is written once, by
-- document id, before that event, and removed again when the event is refused.

CREATE TABLE documents (
    pathway_id   text COLLATE "C" NOT NULL,
    document_id  text COLLATE "C" NOT NULL,
    sha256       text NOT NULL,
    media_type   text NOT NULL,
    size         integer NOT NULL CHECK (size > 0),
    key_id       text NOT NULL,
    ciphertext   bytea NOT NULL,
    stored_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pathway_id, document_id)
);
