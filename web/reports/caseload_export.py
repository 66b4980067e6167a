"""The caseload list as a download, CSV or XLSX: every row of a selection within the scope.

One function answers the page's and the API's downloads (`caseload_download`), so both
check the role, read the rows, decide the personal data and record the access log alike.
What a role gets (docs/web.md, "The caseload list"): the caseworker, the supervisor and the
coordinator, who work the pathways, get each beneficiary's name beside the pathway; the
auditor gets the same rows without names (pathway codes only, which the pathway pages let
them resolve one at a time, each read logged); an admin or a partner gets no download (403).
The names are the only personal data in the file. Cells are written by
`infra.spreadsheets`, so a name typed as a formula stays text (docs/exports.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from domain.calendar import PROJECT_TIMEZONE, project_day
from domain.projections import PathwaySummary
from domain.values import Role
from infra.access_log.model import Channel, Purpose
from infra.accounts.model import Account, Language
from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes
from web import dependencies
from web.access import record_read
from web.beneficiaries import Names, beneficiary_names
from web.caseload_list import Selection, whole_caseload
from web.i18n import N_, translations
from web.problems import ProblemError

Format = Literal["csv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES: Mapping[Format, str] = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}

EXPORTING = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})
"""Roles with a caseload to download; the others are refused."""
NAMED = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
"""Roles whose download names the beneficiaries."""
WHAT = "caseload_export"
"""What the access log says was read."""

HEADERS: Mapping[str, str] = {
    "pathway_id": N_("Pathway"),
    "beneficiary": N_("Beneficiary"),
    "organisation_id": N_("Organisation"),
    "caseworker_id": N_("Caseworker"),
    "stage": N_("Stage"),
    "suspended": N_("Suspended"),
    "opened_on": N_("Opened on"),
    "next_deadline": N_("Next deadline"),
    "overdue": N_("Overdue"),
    "measure_kinds": N_("Measures"),
    "protection_status": N_("Protection status"),
}
AS_KNOWN_AT = N_("As known at %(instant)s (recording time).")
FILTERED = N_("Only the pathways with: %(filters)s")
ERASED = N_("Personal data erased")
YES, NO = N_("Yes"), N_("No")


def caseload_cells(
    rows: Sequence[PathwaySummary], names: Names | None, now: datetime, language: Language
) -> tuple[list[str], list[list[Cell]]]:
    """The header and one row of cells per pathway; the name column only given `names`.

    Codes stay codes (stage, measure kinds, protection status: what a spreadsheet filters
    on); times are in Europe/Rome.
    """
    gettext = translations(language).gettext
    codes = [c for c in HEADERS if names is not None or c != "beneficiary"]
    cells: list[list[Cell]] = []
    for row in rows:
        overdue = not row.suspended and row.next_deadline is not None and row.next_deadline <= now
        deadline = row.next_deadline
        values: dict[str, Cell] = {
            "pathway_id": row.pathway_id,
            "beneficiary": (names or {}).get(row.pathway_id) or gettext(ERASED),
            "organisation_id": row.organisation_id,
            "caseworker_id": row.caseworker_id,
            "stage": row.stage.value,
            "suspended": gettext(YES if row.suspended else NO),
            "opened_on": project_day(row.opened_at).isoformat(),
            "next_deadline": None
            if deadline is None
            else deadline.astimezone(PROJECT_TIMEZONE).isoformat(timespec="minutes"),
            "overdue": gettext(YES if overdue else NO),
            "measure_kinds": " ".join(row.measure_kinds) or None,
            "protection_status": None
            if row.protection_status is None
            else row.protection_status.value,
        }
        cells.append([values[c] for c in codes])
    return [gettext(HEADERS[c]) for c in codes], cells


def caseload_file(
    fmt: Format,
    header: list[str],
    cells: list[list[Cell]],
    lines: list[str],
) -> bytes:
    """The table with its header row, then the notes after an empty row, as `fmt`."""
    if fmt == "csv":
        return csv_text([header, *cells, [], *([line] for line in lines)]).encode()
    bold: list[Cell | Styled] = [Styled(title, bold=True) for title in header]
    rows: list[Sequence[Cell | Styled]] = [bold, *cells, [], *([line] for line in lines)]
    return xlsx_bytes([Sheet("Caseload", rows, frozen_rows=1)])


async def caseload_download(
    request: Request,
    account: Account,
    selection: Selection,
    fmt: Format,
    *,
    purpose: Purpose,
    channel: Channel,
    language: Language,
) -> Response:
    """Every row of the selection in the account's scope as a file, its read logged first.

    Raises:
        ProblemError: `forbidden` (403) for a role with no caseload to download.
        Unavailable: the access log could not be written; nothing is answered.
    """
    if account.role not in EXPORTING:
        raise ProblemError("forbidden", f"a {account.role} downloads no caseload", status=403)
    now = dependencies.web_settings(request).clock()
    store = dependencies.event_store(request)
    rows = await whole_caseload(store.caseload, account, selection, now)
    ids = [row.pathway_id for row in rows]
    names = await beneficiary_names(store, ids) if account.role in NAMED else None
    if ids:
        detail = f"{fmt} {urlencode(selection.query())}".strip()
        await record_read(request, account, ids, WHAT, purpose, channel, detail=detail)
    header, cells = caseload_cells(rows, names, now, language)
    gettext = translations(language).gettext
    lines = [gettext(AS_KNOWN_AT) % {"instant": now.isoformat(timespec="seconds")}]
    if selection.filtered:
        chosen = ", ".join(f"{k} = {v}" for k, v in selection.query() if k != "sort")
        lines.append(gettext(FILTERED) % {"filters": chosen})
    name = f"caseload-{project_day(now).isoformat()}.{fmt}"
    disposition = f'attachment; filename="{name}"'
    return Response(
        caseload_file(fmt, header, cells, lines),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
