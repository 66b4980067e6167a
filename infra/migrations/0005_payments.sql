-- Money: the project's budget lines, the ledger of approved payments, SEPA batches, and
-- the bank accounts organisations pay from.
--
-- A ledger row is written in the same transaction as the approval event that owes it, and
-- its amount is committed against its budget line by a guarded update there: a line can
-- never be overspent, however many approvals race for its last euros.

CREATE TABLE budget_lines (
    line_id    text COLLATE "C" PRIMARY KEY,
    label      text NOT NULL DEFAULT '',
    amount     bigint NOT NULL CHECK (amount >= 0),
    committed  bigint NOT NULL DEFAULT 0 CHECK (committed >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT budget_lines_within_amount CHECK (committed <= amount)
);

-- What we knew of each line's amount and when: one row per change, never updated.
CREATE TABLE budget_line_changes (
    change_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    line_id    text COLLATE "C" NOT NULL REFERENCES budget_lines (line_id),
    old_amount bigint,
    new_amount bigint NOT NULL,
    changed_by text NOT NULL,
    changed_at timestamptz NOT NULL,
    source     text NOT NULL
);

CREATE INDEX budget_line_changes_line_idx ON budget_line_changes (line_id, changed_at);

-- The account an organisation's transfers are debited from.
CREATE TABLE organisation_accounts (
    organisation_id text COLLATE "C" PRIMARY KEY
                    REFERENCES organisations (organisation_id),
    debtor_name     text NOT NULL,
    iban            text NOT NULL,
    bic             text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payment_batches (
    batch_id        text COLLATE "C" PRIMARY KEY,
    organisation_id text COLLATE "C" NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    message_id      text NOT NULL UNIQUE,
    control_sum     bigint NOT NULL CHECK (control_sum > 0),
    entry_count     integer NOT NULL CHECK (entry_count > 0),
    execution_date  date NOT NULL,
    debtor_name     text NOT NULL,
    debtor_iban     text NOT NULL,
    debtor_bic      text,
    file_sha256     text NOT NULL
);

-- One row per ledger entry: a disbursement owed, then exported in a batch, then paid or
-- returned by the bank. `end_to_end_id` is what the SEPA file and the statement carry.
CREATE TABLE ledger (
    entry_id        text COLLATE "C" PRIMARY KEY,
    end_to_end_id   text COLLATE "C" NOT NULL UNIQUE,
    payment_id      text COLLATE "C" NOT NULL,
    attempt         integer NOT NULL CHECK (attempt >= 1),
    pathway_id      text COLLATE "C" NOT NULL,
    organisation_id text COLLATE "C" NOT NULL,
    measure_id      text COLLATE "C" NOT NULL,
    kind            text NOT NULL,
    budget_line     text COLLATE "C" NOT NULL REFERENCES budget_lines (line_id),
    amount          bigint NOT NULL CHECK (amount > 0),
    payee_name      text NOT NULL,
    iban            text NOT NULL,
    evidence_ref    text NOT NULL,
    period          text NOT NULL,
    requested_by    text NOT NULL,
    approved_by     text[] NOT NULL,
    approved_at     timestamptz NOT NULL,
    due_on          date,
    status          text NOT NULL DEFAULT 'approved'
                    CHECK (status IN ('approved', 'exported', 'paid', 'returned')),
    batch_id        text COLLATE "C" REFERENCES payment_batches (batch_id),
    paid_on         date,
    returned_on     date,
    bank_reference  text,
    return_reason   text,
    settled_at      timestamptz,
    UNIQUE (payment_id, attempt),
    CONSTRAINT ledger_batched CHECK ((status = 'approved') = (batch_id IS NULL))
);

-- The next export of an organisation: its approved rows, oldest approval first.
CREATE INDEX ledger_to_export_idx ON ledger (organisation_id, approved_at)
    WHERE status = 'approved';
CREATE INDEX ledger_batch_idx ON ledger (batch_id);
CREATE INDEX ledger_line_idx ON ledger (budget_line, approved_at);
