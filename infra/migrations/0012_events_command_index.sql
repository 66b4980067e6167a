-- A person's command id names one command across every stream (docs/web.md, "Command ids"):
-- an append of a person's command asks whether its id already names events of another
-- stream. The (stream_id, command_id) index cannot answer that without the stream.
CREATE INDEX events_command_idx ON events (command_id);
