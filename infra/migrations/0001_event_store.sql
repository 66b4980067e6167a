-- The event store: every pathway's domain events, the system of record.
-- Append-only. Ids are opaque ASCII, so they use the "C" collation: byte order, the same
-- order Python sorts them in, and cheaper comparisons than a linguistic collation.

CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    stream_id       text COLLATE "C" NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    type            text NOT NULL,
    schema_version  integer NOT NULL CHECK (schema_version >= 1),
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL,   -- {"actor": {"id", "role"}, "command_id"}
    command_id      text COLLATE "C" NOT NULL,
    occurred_at     timestamptz NOT NULL,  -- business time, from the command
    recorded_at     timestamptz NOT NULL,  -- the writer's (workflow's) clock, not now()
    PRIMARY KEY (stream_id, version)
);

-- Idempotency: "is this command already in this stream?"
CREATE INDEX events_stream_command_idx ON events (stream_id, command_id);

-- "What did we know when" across streams, and audit by recording time.
CREATE INDEX events_recorded_at_idx ON events (recorded_at);
