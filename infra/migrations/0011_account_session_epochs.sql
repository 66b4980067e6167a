-- A password change ends the account's other sessions: each session carries the epoch of
-- its sign-in, and a session whose epoch is below its account's is refused (docs/web.md).
-- An account without a row is at epoch 0.
CREATE TABLE account_session_epochs (
    account_id text COLLATE "C" PRIMARY KEY,
    epoch      integer NOT NULL
);
