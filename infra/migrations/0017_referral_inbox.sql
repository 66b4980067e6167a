-- The referral inbox (issue 23, docs/referral-and-transfer.md): every referral and waiting
-- transfer of each pathway, one row each, as the organisation it is addressed to reads it
-- (the minimum: first name, pathway code, the service and measure asked, who referred it,
-- the days, the status). Written with the events that refer, transfer and answer, in the
-- append's transaction; the first name is sealed with the pathway's key, as the ledger's payee.

CREATE TABLE referral_inbox (
    pathway_id        text COLLATE "C" NOT NULL,
    entry_key         text COLLATE "C" NOT NULL,
    kind              text NOT NULL,
    referral_id       text COLLATE "C",
    to_organisation   text COLLATE "C" NOT NULL,
    given_name        text NOT NULL,
    service           text,
    measure_kind      text,
    from_organisation text COLLATE "C" NOT NULL,
    referred_by       text COLLATE "C" NOT NULL,
    referred_on       date,
    answer_by         date,
    effective_on      date,
    status            text NOT NULL,
    caseworker_id     text COLLATE "C",
    PRIMARY KEY (pathway_id, entry_key)
);

-- "What is addressed to my organisation": the inbox of B's supervisors.
CREATE INDEX referral_inbox_to_idx ON referral_inbox (to_organisation, pathway_id);
-- "What I was given to work on": the caseload of B's caseworker.
CREATE INDEX referral_inbox_caseworker_idx ON referral_inbox (caseworker_id)
    WHERE caseworker_id IS NOT NULL;
