"""The custom Temporal search attributes of Pathways, defined once.

Workflows upsert them through the typed keys; the dev server is started with
`SEARCH_ATTRIBUTES`; the time-skipping test server (which knows none of them) gets them
through `register_search_attributes`. None of them may carry personal data: ids and
stage names only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType, SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

STAGE_KEY: SearchAttributeKey[str] = SearchAttributeKey.for_keyword("PathwayStage")
ORGANISATION_KEY: SearchAttributeKey[str] = SearchAttributeKey.for_keyword("OrganisationId")
CASEWORKER_KEY: SearchAttributeKey[str] = SearchAttributeKey.for_keyword("CaseworkerId")
NEXT_DEADLINE_KEY: SearchAttributeKey[datetime] = SearchAttributeKey.for_datetime("NextDeadline")

SEARCH_ATTRIBUTE_KEYS: tuple[SearchAttributeKey[Any], ...] = (
    STAGE_KEY,
    ORGANISATION_KEY,
    CASEWORKER_KEY,
    NEXT_DEADLINE_KEY,
)

# The type names that `temporal server start-dev --search-attribute Name=Type` accepts.
_CLI_TYPE_NAMES: Mapping[SearchAttributeIndexedValueType, str] = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}

SEARCH_ATTRIBUTES: Mapping[str, str] = MappingProxyType(
    {key.name: _CLI_TYPE_NAMES[key.indexed_value_type] for key in SEARCH_ATTRIBUTE_KEYS}
)
"""Name → type name, e.g. `{"PathwayStage": "Keyword", "NextDeadline": "Datetime", ...}`."""


class SearchAttributeConflictError(RuntimeError):
    """A search attribute already exists on the server with another type."""


async def register_search_attributes(
    client: Client,
    namespace: str,
    search_attributes: Mapping[str, str] = SEARCH_ATTRIBUTES,
) -> list[str]:
    """Add the search attributes that the namespace lacks; idempotent.

    Needed for the time-skipping test server, which starts without them, and for a dev
    server whose SQLite file predates an attribute (start-dev ignores `--search-attribute`
    flags for a database that already exists).

    Args:
        client: A connected client.
        namespace: The namespace to register them in.
        search_attributes: Name → type name (`Keyword`, `Datetime`, ...).

    Returns:
        The names that were added (empty when all were there already).

    Raises:
        SearchAttributeConflictError: An attribute exists with a different type.
    """
    wanted = {name: _indexed_value_type(type_name) for name, type_name in search_attributes.items()}
    existing = await _existing(client, namespace)
    if existing is None:
        # The time-skipping test server cannot list them: add one by one, tolerating repeats.
        return sorted(
            [
                name
                for name, value_type in wanted.items()
                if await _add(client, namespace, {name: value_type})
            ]
        )
    conflicts = sorted(
        f"{name} is {_type_name(existing[name])}, wanted {search_attributes[name]}"
        for name, value_type in wanted.items()
        if name in existing and existing[name] != value_type
    )
    if conflicts:
        raise SearchAttributeConflictError(
            f"search attributes in namespace {namespace!r} have other types: "
            + "; ".join(conflicts)
        )
    missing = {name: value_type for name, value_type in wanted.items() if name not in existing}
    if missing and await _add(client, namespace, missing):
        return sorted(missing)
    return []


async def _add(
    client: Client, namespace: str, attributes: Mapping[str, IndexedValueType.ValueType]
) -> bool:
    """Add attributes; False when the server says they exist already."""
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(search_attributes=attributes, namespace=namespace)
        )
    except RPCError as err:
        if err.status != RPCStatusCode.ALREADY_EXISTS:
            raise
        return False
    return True


async def _existing(client: Client, namespace: str) -> dict[str, IndexedValueType.ValueType] | None:
    """All search attributes of the namespace, or None when the server cannot list them."""
    try:
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
    except RPCError as err:
        if err.status == RPCStatusCode.UNIMPLEMENTED:
            return None
        raise
    return {**response.system_attributes, **response.custom_attributes}


def _indexed_value_type(type_name: str) -> IndexedValueType.ValueType:
    for value_type, name in _CLI_TYPE_NAMES.items():
        if name == type_name:
            return IndexedValueType.ValueType(int(value_type))
    raise ValueError(
        f"unknown search attribute type {type_name!r}; one of {sorted(_CLI_TYPE_NAMES.values())}"
    )


def _type_name(value_type: IndexedValueType.ValueType) -> str:
    try:
        return _CLI_TYPE_NAMES[SearchAttributeIndexedValueType(int(value_type))]
    except (KeyError, ValueError):
        return IndexedValueType.Name(value_type)
