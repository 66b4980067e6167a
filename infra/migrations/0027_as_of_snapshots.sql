-- As-of snapshots (issue 25, docs/event-store.md "As-of snapshots"): a pathway's state after
-- events 1..version, every N events, so an as-of read folds at most N - 1 more. A cache
-- rebuilt by `pathways projections rebuild --name as-of`, never a record: a missing row, a
-- row of another state shape (`shape`) or one that does not open is ignored. `state` is the
-- whole PathwayState, beneficiary included, sealed with the pathway's data key (bound to
-- stream and version), so erasure makes it unreadable; erasure deletes the rows too.

CREATE TABLE as_of_snapshots (
    stream_id  text COLLATE "C" NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    known_from timestamptz NOT NULL,
    shape      text NOT NULL,
    state      text NOT NULL,
    PRIMARY KEY (stream_id, version)
);
