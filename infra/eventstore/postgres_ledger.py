"""The ledger's one writer: every INSERT and UPDATE of `ledger` and `budget_lines` is here.

An append books entries and follows the pathways' outcomes; the payments store marks rows
exported and settles a bank statement; `pathways budget apply` sets the lines. Each runs
these functions in its own transaction, so no other module writes the ledger's tables
(tests/eventstore/test_ledger_owner.py checks the source).

Booking an entry is two statements in the append's transaction: insert the ledger row
(nothing when its entry id is already there) and, only if it was inserted, commit its
amount with a guarded update, `committed = committed + x WHERE committed + x <= amount`.
The update locks the line's row until commit, and a concurrent booking re-checks the
guard against the committed value once it gets the lock: the line's last euros go to
whoever fits, and no interleaving can overspend it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from psycopg.errors import ForeignKeyViolation
from psycopg.rows import dict_row

from domain.payments.ledger import LedgerEntry, LedgerOutcome
from domain.payments.statements import BankOutcome, StatementLine
from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.budgets.model import BudgetChange, BudgetLine, BudgetLineState, plan_changes
from infra.crypto.sealing import FieldSealer
from infra.eventstore.base import BudgetLineExceeded, BudgetLineMissing
from infra.eventstore.postgres_statements import Connection
from infra.payments.ledger_columns import PERSONAL_COLUMNS, personal_place
from infra.payments.model import FOLLOWS, LedgerStatus, end_to_end_id_for

_INSERT_ENTRY = """
INSERT INTO ledger (entry_id, end_to_end_id, payment_id, attempt, pathway_id,
                    organisation_id, measure_id, kind, budget_line, amount, payee_name, iban,
                    evidence_ref, period, requested_by, approved_by, approved_at, due_on)
VALUES (%(entry_id)s, %(end_to_end_id)s, %(payment_id)s, %(attempt)s, %(pathway_id)s,
        %(organisation_id)s, %(measure_id)s, %(kind)s, %(budget_line)s, %(amount)s,
        %(payee_name)s, %(iban)s, %(evidence_ref)s, %(period)s, %(requested_by)s,
        %(approved_by)s, %(approved_at)s, %(due_on)s)
ON CONFLICT (entry_id) DO NOTHING
RETURNING entry_id
"""
_COMMIT_AMOUNT = """
UPDATE budget_lines SET committed = committed + %(amount)s, updated_at = %(at)s
WHERE line_id = %(line_id)s AND committed + %(amount)s <= amount
RETURNING line_id
"""
BUDGET_COLUMNS = "line_id, label, amount, committed, updated_at"


async def book_ledger(
    conn: Connection,
    entries: Sequence[LedgerEntry],
    at: datetime,
    sealer: FieldSealer | None = None,
) -> None:
    """Write the entries new to the ledger and commit their amounts, in the caller's transaction.

    Raises:
        BudgetLineExceeded: an entry does not fit in its line (`BudgetLineMissing`: no such
            line). The caller's transaction must then roll back, as raising out of it does.
    """
    for entry in entries:
        try:
            cur = await conn.execute(_INSERT_ENTRY, await _sealed(_entry_params(entry), sealer))
            # In pipeline mode (as `append` runs) the error comes with the result, not before.
            inserted = await cur.fetchone()
        except ForeignKeyViolation as error:
            if error.diag.constraint_name != "ledger_budget_line_fkey":
                raise
            raise BudgetLineMissing(entry.budget_line, entry.entry_id, entry.amount) from None
        if inserted is None:
            continue  # booked by an earlier append: never committed twice
        cur = await conn.execute(
            _COMMIT_AMOUNT, {"amount": entry.amount, "at": at, "line_id": entry.budget_line}
        )
        if await cur.fetchone() is None:
            cur = await conn.execute(
                "SELECT amount - committed FROM budget_lines WHERE line_id = %s",
                (entry.budget_line,),
            )
            row = await cur.fetchone()
            available = 0 if row is None else int(row[0])
            raise BudgetLineExceeded(entry.budget_line, entry.entry_id, entry.amount, available)


_PAID = """
UPDATE ledger SET status = 'paid', paid_on = %(on)s, bank_reference = %(bank_reference)s,
                  settled_at = %(at)s
WHERE entry_id = %(entry_id)s AND status = ANY(%(from)s)
"""
_RETURNED = """
UPDATE ledger SET status = 'returned', returned_on = %(on)s,
                  bank_reference = %(bank_reference)s, return_reason = %(reason)s,
                  settled_at = %(at)s
WHERE entry_id = %(entry_id)s AND status = ANY(%(from)s)
RETURNING amount, budget_line
"""
_RELEASE = """
UPDATE budget_lines SET committed = committed - %(amount)s, updated_at = %(at)s
WHERE line_id = %(line_id)s
"""


async def follow_outcomes(conn: Connection, outcomes: Sequence[LedgerOutcome]) -> None:
    """Move each outcome's row on, in the caller's transaction (see `EventRecorder.append`).

    The guarded update locks the row and re-checks its status once it has the lock: of a
    statement import and an append that return the same entry at once, only the first
    moves the row, and only it releases the commitment.
    """
    for outcome in outcomes:
        wanted = LedgerStatus(outcome.outcome)
        params = {
            "entry_id": outcome.entry_id,
            "on": outcome.on,
            "bank_reference": outcome.bank_reference,
            "reason": outcome.reason,
            "at": outcome.recorded_at,
            "from": sorted(s.value for s in FOLLOWS[wanted]),
        }
        if wanted == LedgerStatus.PAID:
            await conn.execute(_PAID, params)
            continue
        cur = await conn.execute(_RETURNED, params)
        returned = await cur.fetchone()
        if returned is not None:
            amount, line_id = returned
            await conn.execute(
                _RELEASE, {"amount": amount, "at": outcome.recorded_at, "line_id": line_id}
            )


_EXPORTED = "UPDATE ledger SET status = 'exported', batch_id = %s WHERE entry_id = ANY(%s)"
_SETTLED_PAID = """
UPDATE ledger SET status = 'paid', paid_on = %s, bank_reference = %s, settled_at = %s,
                  settled_by = %s
WHERE entry_id = %s
"""
_SETTLED_RETURNED = """
UPDATE ledger SET status = 'returned', returned_on = %s, bank_reference = %s,
                  return_reason = %s, settled_at = %s, settled_by = %s
WHERE entry_id = %s
"""


async def mark_exported(conn: Connection, batch_id: str, entry_ids: Sequence[str]) -> None:
    """Put the rows in the batch, in the caller's transaction (which has them locked)."""
    await conn.execute(_EXPORTED, (batch_id, list(entry_ids)))


async def settle_entry(
    conn: Connection,
    entry: LedgerEntry,
    line: StatementLine,
    now: datetime,
    settled_by: str | None,
) -> None:
    """Mark the entry's row as the statement line says, in the caller's transaction.

    A return gives the entry's amount back to its budget line. The caller has matched the
    line to the row and holds its lock (`PaymentsStore.settle`).
    """
    if line.outcome == BankOutcome.PAID:
        await conn.execute(
            _SETTLED_PAID, (line.booked_on, line.bank_reference, now, settled_by, entry.entry_id)
        )
        return
    await conn.execute(
        _SETTLED_RETURNED,
        (line.booked_on, line.bank_reference, line.reason, now, settled_by, entry.entry_id),
    )
    await conn.execute(_RELEASE, {"amount": entry.amount, "at": now, "line_id": entry.budget_line})


def _entry_params(entry: LedgerEntry) -> dict[str, Any]:
    return {
        **entry.model_dump(),
        "kind": entry.kind.value,
        "approved_by": list(entry.approved_by),
        "end_to_end_id": end_to_end_id_for(entry.entry_id),
    }


async def _sealed(params: dict[str, Any], sealer: FieldSealer | None) -> dict[str, Any]:
    if sealer is None:
        return params
    for column in PERSONAL_COLUMNS:
        place = personal_place(params["entry_id"], column)
        params[column] = await sealer.seal_column(params["pathway_id"], place, params[column])
    return params


async def set_budget_lines(
    conn: Connection,
    lines: Sequence[BudgetLine],
    *,
    changed_by: str,
    changed_at: datetime,
    source: str,
) -> list[BudgetChange]:
    """Set the lines' amounts and record each change, in the caller's transaction.

    The lines are locked first, so a booking cannot commit between the check and the
    change (see `BudgetBook.apply_budget`).

    Raises:
        BudgetError: `budget_below_committed`, a line lowered below what is committed.
    """
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(f"SELECT {BUDGET_COLUMNS} FROM budget_lines ORDER BY line_id FOR UPDATE")
        current = {r["line_id"]: BudgetLineState(**r) for r in await cur.fetchall()}
    changes = plan_changes(current, lines)
    for line in lines:
        await conn.execute(
            "INSERT INTO budget_lines (line_id, label, amount, updated_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (line_id) DO UPDATE"
            " SET label = EXCLUDED.label, amount = EXCLUDED.amount,"
            " updated_at = CASE WHEN budget_lines.amount = EXCLUDED.amount"
            " THEN budget_lines.updated_at ELSE EXCLUDED.updated_at END",
            (line.line_id, line.label, line.amount, changed_at),
        )
    for change in changes:
        await conn.execute(
            "INSERT INTO budget_line_changes"
            " (line_id, old_amount, new_amount, changed_by, changed_at, source)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (
                change.line_id,
                change.old_amount,
                change.new_amount,
                changed_by,
                changed_at,
                source,
            ),
        )
    return changes


class LedgerWriter:
    """Books an append's ledger entries and follows its outcomes; a rebuild writes nothing.

    A rebuild never books a payment again, nor applies an outcome again.
    """

    def __init__(self, sealer: FieldSealer | None = None) -> None:
        self._sealer = sealer

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await book_ledger(conn, update.ledger, records[-1].recorded_at, self._sealer)
        await follow_outcomes(conn, update.ledger_outcomes)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        return None
