"""`/pathways/{id}/history`: every event of a pathway, and the pathway as it was known then.

What a supervisor shows a funder: who did what, when it happened (business time) and when
it was recorded, with back-dated entries marked and the deadline ladder's own steps set
apart. "As of" a day folds only the records known at the end of that day (Italian time),
so what was recorded later, even about earlier days, is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import Response

from client.parsing import AS_OF_IN_FUTURE
from domain.calendar import end_of_day, project_day
from domain.evolution import fold
from domain.measures import MeasureKind
from domain.records import EventRecord, as_of
from domain.state import PathwayState
from domain.values import SYSTEM_DEADLINES, WorkPackage
from infra.access_log.model import Channel
from web import dependencies
from web.access import page_purpose, record_read
from web.dependencies import SettingsDep, StoreDep
from web.i18n import N_, translations
from web.pages.event_labels import EVENT_GROUPS
from web.pages.event_wording import Wording
from web.pages.pathway_view import ERASED_NOTICE
from web.pages.people import organisation_names
from web.pages.purpose import purpose_choice
from web.pages.render import language_of, render
from web.pages.routing import PROBLEM_MESSAGES, PageAccount, page_router
from web.pages.timeline import EventGroup, Filters, timeline, work_package_of
from web.scope import history_in_scope
from web.temporal_ui.links import temporal_link

T = TypeVar("T")

NEWEST, OLDEST = "newest", "oldest"
INVALID_DAY = N_("Enter a day as a date, for example 2026-11-20.")
FUTURE_DAY = PROBLEM_MESSAGES[AS_OF_IN_FUTURE]


@dataclass(frozen=True)
class Option:
    """One choice of a filter's select: its value, its label, whether it is chosen."""

    value: str
    label: str
    selected: bool


def _choice(value: str | None, parse: Callable[[str], T]) -> T | None:
    """`value` parsed, or None when it is missing or not one of the choices."""
    if not value:
        return None
    try:
        return parse(value)
    except ValueError:
        return None


async def _names(request: Request, records: Iterable[EventRecord]) -> dict[str, str]:
    """Display names of the people the records mention (actors and caseworkers)."""
    ids = set()
    for record in records:
        ids.add(record.actor.id)
        for key in ("caseworker_id", "previous_caseworker_id"):
            value = record.data.get(key)
            if isinstance(value, str):
                ids.add(value)
    ids.discard(SYSTEM_DEADLINES.id)
    accounts = dependencies.account_store(request)
    names = {}
    for account_id in sorted(ids):
        account = await accounts.get_account(account_id)
        if account is not None:
            names[account_id] = account.display_name
    return names


def _measure_options(
    state: PathwayState, chosen: str | None, words: Wording
) -> tuple[list[Option], dict[str, MeasureKind]]:
    kinds = {m.measure_id: m.kind for m in state.measures.values()}
    if state.pending_plan is not None:
        kinds.update({m.measure_id: m.kind for m in state.pending_plan.measures})
    options = [
        Option(measure_id, words.measure(measure_id, kind), measure_id == chosen)
        for measure_id, kind in sorted(kinds.items())
    ]
    return options, kinds


def build_history_router() -> APIRouter:
    router = page_router()

    @router.get("/pathways/{pathway_id}/history")
    async def history(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        pathway_id: str,
        account: PageAccount,
    ) -> Response:
        """The timeline, filtered by the query; with `as_of`, cut at the end of that day."""
        purpose = page_purpose(request, account)
        records = await history_in_scope(store, account, pathway_id)
        query = request.query_params
        language = language_of(request)
        gettext = translations(language).gettext
        names = await _names(request, records)
        system_name = gettext("System (automatic deadlines)")

        def name(account_id: str) -> str:
            if account_id == SYSTEM_DEADLINES.id:
                return system_name
            return names.get(account_id, account_id)

        organisations = await organisation_names(dependencies.account_store(request))
        words = Wording(
            gettext=gettext,
            day=lambda day: format_date(day, "medium", locale=language),
            name=name,
            organisation=lambda organisation_id: organisations.get(
                organisation_id, organisation_id
            ),
        )

        today = project_day(settings.clock())
        as_of_text = (query.get("as_of") or "").strip()
        as_of_day = _choice(as_of_text, date.fromisoformat)
        as_of_error = INVALID_DAY if as_of_text and as_of_day is None else None
        if as_of_day is not None and as_of_day > today:
            as_of_day, as_of_error = None, FUTURE_DAY
        known = records if as_of_day is None else as_of(records, end_of_day(as_of_day))

        state = fold(records)
        measure_options, kinds = _measure_options(state, query.get("measure"), words)
        chosen_measure = query.get("measure") if query.get("measure") in kinds else None
        filters = Filters(
            measure_id=chosen_measure,
            work_package=_choice(query.get("wp"), WorkPackage),
            group=_choice(query.get("group"), EventGroup),
        )
        order = OLDEST if query.get("order") == OLDEST else NEWEST
        detail = None if as_of_day is None else f"as_of={as_of_day.isoformat()}"
        await record_read(
            request, account, pathway_id, "history_page", purpose, Channel.PAGE, detail
        )
        entries = [e for e in timeline(known, words) if filters.keep(e)]
        if order == NEWEST:
            entries.reverse()

        packages = {work_package_of(kind) for kind in kinds.values()}
        context: dict[str, Any] = {
            "pathway_id": pathway_id,
            "entries": entries,
            "known_count": len(known),
            "total_count": len(records),
            "filters": filters,
            "order": order,
            "as_of_day": as_of_day,
            "as_of_text": as_of_text,
            "erased": any(r.erased for r in records),
            "erased_notice": ERASED_NOTICE,
            "today": today,
            "as_of_error": as_of_error,
            "known_state": fold(known) if as_of_day is not None and known else None,
            "words": words,
            "name": name,
            "measure_options": measure_options,
            "work_package_options": [
                Option(wp.value, words.label(wp), wp == filters.work_package)
                for wp in WorkPackage
                if wp in packages
            ],
            "group_options": [
                Option(g.value, gettext(EVENT_GROUPS[g.value]), g == filters.group)
                for g in EventGroup
            ],
            "temporal_link": temporal_link(settings, pathway_id, account),
            "beneficiary": None if state.beneficiary is None else state.beneficiary.given_name,
            "access": purpose_choice(request, purpose),
        }
        partial = (
            request.headers.get("HX-Request") == "true"
            and request.headers.get("HX-History-Restore-Request") != "true"
        )
        template = "history_results.html" if partial else "history.html"
        return render(request, template, headers={"Vary": "HX-Request"}, **context)

    return router
