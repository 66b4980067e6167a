"""The patch ids of `PathwayWorkflow`, oldest first: each names a change of what the
workflow does on replay, guarded by `workflow.patched(...)` (docs/versioning.md tells how
a patch is made, recorded and retired)."""

from __future__ import annotations

UPSERT_ONLY_CHANGES = "upsert-only-changes"
"""Patch id (docs/versioning.md): search attributes are upserted only when they change."""

KEEP_TIMER = "keep-timer-while-deadline-holds"
"""Patch id: the deadline timer stays armed across commands that leave the next wake-up
where it was, instead of being cancelled and started again after every command."""

CATCH_UP_ON_CONFLICT = "catch-up-on-conflict"
"""Patch id: an append that meets a stream ahead of the state reads the missed events, folds
them and decides again, where runs before it refused the command as a conflict."""

FOLD_STORED_ON_DUPLICATE = "fold-stored-on-duplicate"
"""Patch id: an append answered as a duplicate (the same command's events, stored by a
workflow task that was then lost) folds the stored events, whose instants are the ones
the store and its read models hold, instead of this task's copy of them."""

ITALIAN_DAYS = "italian-days"
"""Patch id: a deadline "by day D" falls at the end of D in Italy, not at 00:00 UTC of D+1.
Runs that began before it keep the UTC day until they continue as new: their timers and
ladder steps replay as they were taken (`domain.obligations.Timekeeping`)."""

CATCH_UP_WINDOW = "catch-up-window"
"""Patch id: a ladder rung already past when its obligation became known (back-dated
entry) waits for the policy's catch-up window; runs that began before it took it at once."""

ITALIAN_DECISION_DAYS = "italian-decision-days"
"""Patch id: a command is decided on the Italian day of its business time, as facts were
already checked (`domain.decision_time.decision_day`). Runs that began before it keep the UTC
date until they continue as new: a command accepted at 23:30 UTC under the UTC day (a
payment's period, a consent's cover) replays to the same answer and the same append."""

TIME_OF_FACTS = "time-of-facts"
"""Patch id: the rules of issue 21 (no fact dated after its recording day, no follow-up before
its window) decide a command's events. A run that took a command before them replays it
under the rules it was decided by."""

PAYMENT_EVIDENCE = "payment-evidence"
"""Patch id: a payment that needs evidence (rent, furniture, utilities above the threshold)
is approved only with a document attached (`domain.payments.evidence`). A run that approved
one before the rule replays the approval without it."""

SHORT_RUNS = "short-runs"
"""Patch id: a run continues as new once its history holds `workflows.models.RUN_EVENTS`
events, not only at a stage boundary or when Temporal suggests it (some 4,000 events), so a
pathway evicted from the worker's cache replays a few hundred events, not thousands. Runs
that began before it continue where they did: their histories replay to the same commands."""

IN_FORCE: tuple[str, ...] = (
    UPSERT_ONLY_CHANGES,
    KEEP_TIMER,
    CATCH_UP_ON_CONFLICT,
    FOLD_STORED_ON_DUPLICATE,
    ITALIAN_DAYS,
    CATCH_UP_WINDOW,
    ITALIAN_DECISION_DAYS,
    TIME_OF_FACTS,
    PAYMENT_EVIDENCE,
    SHORT_RUNS,
)
"""Every patch above: what a run begun by this code has in force from its first task
(`PathwayInput.patches_in_force`), so it never asks `workflow.patched` for them. A new patch
goes here too, the day it is written; a retired one leaves with its constant."""
