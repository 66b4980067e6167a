"""`render`: a page from a template, in the reader's language, with what every page needs.

One Jinja environment per language, each with its catalog installed (`_`, `gettext`,
`ngettext`, `{% trans %}`), its date and number filters and its `label` for domain codes.
Every template gets, beside its own context: `account` (or None), `language`, `languages`,
`csrf_token`, `csrf_field`, `current_path` (path and query, for `next`), `now`.

Filters: `date`, `datetime` (shown in Italian time), `relative` ("in 3 days", "3 days
ago", against `now`) and `number`. Globals: `label(enum_member)`, `obligation_label(kind)`,
`event_label(event type)`, `measure_name(measure id)` ("Corso di formazione (1)"),
`language_name(code)`, `country_name(code)`, `countries()` (babel's names in the reader's
language), `budget_line_name(line id)`, `name_codes(text)` (`web.pages.labels`), and
`person(account id)` and `organisation(id)` (names from the page's `people` and
`organisations`).
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from domain.calendar import PROJECT_TIMEZONE, ends_a_day, last_day_to_act
from domain.obligation_kinds import obligation_label
from infra.accounts.model import LANGUAGES, Account, Language
from web import dependencies
from web.auth import CSRF_FIELD, csrf_token
from web.i18n import SESSION_LANGUAGE, choose_language, translations
from web.pages.event_labels import EVENT_TYPES
from web.pages.labels import (
    budget_line_name,
    country_name,
    label,
    language_name,
    measure_name,
    name_codes,
)
from web.pages.widgets import countries

DISPLAY_TIMEZONE = PROJECT_TIMEZONE
"""Where the project works: instants are stored in UTC and shown in Italian time."""

LANGUAGE_NAMES: dict[Language, str] = {"it": "Italiano", "en": "English"}
"""Each language in itself, for the language switch (never translated)."""


def _local(value: datetime) -> datetime:
    return value.astimezone(DISPLAY_TIMEZONE)


def _environment(language: Language) -> Environment:
    catalog = translations(language)
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]

    def format_day(value: date) -> str:
        day = _local(value).date() if isinstance(value, datetime) else value
        return format_date(day, "medium", locale=language)

    def format_instant(value: datetime) -> str:
        pattern = str(get_datetime_format("medium", locale=language))
        time = format_time(value, "short", tzinfo=DISPLAY_TIMEZONE, locale=language)
        return pattern.replace("{1}", format_day(value)).replace("{0}", time)

    def format_due(value: datetime) -> str:
        # A deadline "by day D" shows D; one counted in hours or days from an instant
        # (the 48 hours of a hosting communication) shows its Italian time as well.
        last_day = format_date(last_day_to_act(value), "medium", locale=language)
        if ends_a_day(value):
            return last_day
        return format_instant(value)

    @pass_context
    def relative(context: Context, value: datetime) -> str:
        now: datetime = context["now"]
        return format_timedelta(value - now, add_direction=True, locale=language)

    env.filters.update(
        date=format_day,
        due=format_due,
        datetime=format_instant,
        relative=relative,
        number=lambda value: format_decimal(value, locale=language),
    )
    env.globals.update(
        label=functools.partial(label, catalog.gettext),
        obligation_label=functools.partial(obligation_label, catalog.gettext),
        event_label=lambda event_type: catalog.gettext(EVENT_TYPES.get(event_type, event_type)),
        measure_name=functools.partial(measure_name, catalog.gettext),
        language_name=functools.partial(language_name, language),
        country_name=functools.partial(country_name, language),
        countries=functools.cache(functools.partial(countries, language)),
        budget_line_name=functools.partial(budget_line_name, catalog.gettext),
        name_codes=functools.partial(name_codes, catalog.gettext),
        person=person,
        organisation=organisation,
        language_names=LANGUAGE_NAMES,
        languages=LANGUAGES,
    )
    return env


@pass_context
def person(context: Context, account_id: str) -> str:
    """The display name of an account the page's `people` names; else its id.

    Pages that show who works a pathway pass `people` (`web.pages.people.people_named`).
    """
    people: dict[str, str] = context.get("people") or {}
    return people.get(account_id, account_id)


@pass_context
def organisation(context: Context, organisation_id: str) -> str:
    """The name of an organisation the page's `organisations` names; else its id."""
    organisations: dict[str, str] = context.get("organisations") or {}
    return organisations.get(organisation_id, organisation_id)


@functools.cache
def environments() -> dict[Language, Environment]:
    """The template environment of each language, built once per process."""
    return {language: _environment(language) for language in LANGUAGES}


def page_account(request: Request) -> Account | None:
    """Who the page is for: set by the `PageAccount` dependency, None on public pages."""
    account: Account | None = getattr(request.state, "account", None)
    return account


def language_of(request: Request) -> Language:
    """The reader's language: the session's choice, the account's, the browser's, Italian."""
    account = page_account(request)
    return choose_language(
        request.session.get(SESSION_LANGUAGE),
        account.language if account is not None else None,
        request.headers.get("Accept-Language"),
    )


def current_path(request: Request) -> str:
    """The path and query of this request: where `next` sends the reader back to."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render a template of web/templates in the reader's language."""
    language = language_of(request)
    settings = dependencies.web_settings(request)
    page = environments()[language].get_template(template)
    html = page.render(
        request=request,
        account=page_account(request),
        language=language,
        csrf_token=csrf_token(request),
        csrf_field=CSRF_FIELD,
        current_path=current_path(request),
        now=settings.clock(),
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)
