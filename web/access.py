"""Reads of personal data go through here: the purpose asked for, and the entry recorded.

A route that shows a pathway's personal data calls `record_read` after it has read the data
and before it answers. The entry is stored first: when the access log cannot be written,
the read is refused with 503 (`unavailable`), never answered unlogged. A refused read
(outside the scope, an unknown pathway, a bad input) records nothing, since it shows nothing.

The purpose is the reader's: the `purpose` query parameter or the `X-Purpose` header (the
pages offer a choice), else the one their role reads for (`DEFAULT_PURPOSE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Header, Query, Request
from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from client.parsing import INVALID
from infra.access_log.model import (
    DEFAULT_PURPOSE,
    AccessLogUnavailable,
    Channel,
    Purpose,
)
from infra.accounts.model import Account
from web import dependencies
from web.outages import Unavailable
from web.problems import ProblemError

PURPOSE_HEADER = "X-Purpose"
PURPOSE_FIELD = "purpose"


class NoneLeftOut:
    """Pydantic metadata: publish an optional parameter without `null` among its values.

    `None` stands for the parameter left out, never a value a client sends: published
    (FastAPI's default), `null` made a generator send the header `X-Purpose: null`, refused
    as no purpose. Validation is untouched, so a refusal still names the parameter alone.
    """

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        values = [value for value in schema.get("anyOf", []) if value != {"type": "null"}]
        if len(values) != 1:
            return schema
        return {**values[0], **{key: v for key, v in schema.items() if key != "anyOf"}}


PurposeQuery = Annotated[
    Purpose | None,
    NoneLeftOut(),
    Query(
        description="Why you read this (recorded in the access log); default: your role's"
        " purpose, e.g. `case_management` for a caseworker's own caseload",
    ),
]
PurposeHeader = Annotated[
    Purpose | None,
    NoneLeftOut(),
    Header(alias=PURPOSE_HEADER, description="The purpose, as a header instead of the query"),
]


def chosen_purpose(account: Account, *given: Purpose | str | None) -> Purpose:
    """The purpose given (they must agree), else the account's role's default.

    Raises:
        ProblemError: `invalid_command` (422) for an unknown purpose or two that differ.
    """
    stated = set()
    for value in given:
        if value is None or value == "":
            continue
        try:
            stated.add(Purpose(value))
        except ValueError:
            choices = ", ".join(p.value for p in Purpose)
            raise ProblemError(
                INVALID, f"{value!r} is not a purpose; one of {choices}", PURPOSE_FIELD
            ) from None
    if len(stated) > 1:
        raise ProblemError(INVALID, "give one purpose, not two that differ", PURPOSE_FIELD)
    return stated.pop() if stated else DEFAULT_PURPOSE[account.role]


def page_purpose(request: Request, account: Account) -> Purpose:
    """The purpose of a page read: the `purpose` query parameter, else the role's default."""
    return chosen_purpose(account, request.query_params.get(PURPOSE_FIELD))


async def record_read(
    request: Request,
    account: Account,
    pathway_ids: str | Sequence[str],
    what: str,
    purpose: Purpose,
    channel: Channel,
    detail: str | None = None,
) -> None:
    """Record the read in the access log before it is answered.

    Raises:
        Unavailable: 503, the log could not be written; the read must not be answered.
    """
    ids = [pathway_ids] if isinstance(pathway_ids, str) else list(pathway_ids)
    try:
        await dependencies.access_log(request).record_all(
            account.actor, ids, what, purpose, channel, detail=detail
        )
    except AccessLogUnavailable:
        raise Unavailable(
            "the access log cannot be written, so nothing is shown; retry shortly"
        ) from None
