"""The command bodies the API takes, published in its OpenAPI from the domain's own models.

A route still reads its body as a plain JSON object and hands it to `client.parsing`, so
that the API, the CLI and the pages refuse the same input with the same `invalid_command`
and field path. These types only say what that parsing accepts: each command of the
domain's union (`domain.commands.Command`) as its own schema, fields copied from its model,
plus the envelope keys `command_id` and `occurred_at`, in a union discriminated on `type`.
A new command appears here by being added to the union.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    TypeAdapter,
    create_model,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from domain.commands import Command, OpenPathway
from domain.documents.commands import AttachDocument
from domain.values import Identifier

SERVER_SIDE: dict[type[BaseModel], set[str]] = {OpenPathway: {"policy"}}
"""Fields a client never sends: the deadline policy is the server's (`opening_document`)."""

NO_NUL = "^[^\u0000]*$"
"""The pattern of free text: anything but NUL."""
NOT_BLANK = "^[^\u0000]*[^\\s\u0000][^\u0000]*$"
"""The pattern of required free text: no NUL, and something besides whitespace (the domain
strips it before it counts the length, so `"  "` is as empty as `""`)."""

BUSINESS_TIME = Field(
    default=None,
    description="Business time: when it happened, with its time zone; by default, now.",
)


def domain_commands() -> tuple[type[BaseModel], ...]:
    """The models of the domain's command union, in its order."""
    union = typing.get_args(Command)[0]
    return typing.get_args(union)


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    hidden = SERVER_SIDE.get(model, set())
    return {
        name: (field.annotation, field)
        for name, field in model.model_fields.items()
        if name not in hidden
    }


def _published(model: type[BaseModel], **fields: Any) -> type[BaseModel]:
    """`model`'s fields and `fields`, under `model`'s name and docstring, as strict as it is."""
    return create_model(
        model.__name__,
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=model.__doc__,
        __module__=__name__,
        **{**_fields(model), **fields},
    )


OPENING = _published(
    OpenPathway,
    type=(Literal["open_pathway"], "open_pathway"),
    pathway_id=(
        Identifier | None,
        Field(default=None, description="By default derived from `command_id` (or new)."),
    ),
    command_id=(
        Identifier | None,
        Field(default=None, description="Makes the request safe to retry; by default new."),
    ),
    occurred_at=(AwareDatetime | None, BUSINESS_TIME),
)
"""The body of `POST /api/v1/pathways`: an `open_pathway` command without its policy."""

COMMANDS: tuple[type[BaseModel], ...] = tuple(
    _published(
        model,
        # Required: the discriminator; the domain's default serves its own constructors.
        type=(model.model_fields["type"].annotation, ...),
        command_id=(
            Identifier,
            Field(description="The idempotency key: a retry with it is answered, not applied."),
        ),
        occurred_at=(AwareDatetime | None, BUSINESS_TIME),
    )
    for model in domain_commands()
    if model not in (OpenPathway, AttachDocument)
)
"""The bodies of `POST /api/v1/pathways/{id}/commands`, one per command but the opening and
the attachment of a document, which goes with its file to `/documents` (`web.documents`)."""


class PublishedAs:
    """Pydantic metadata: validate as annotated, publish the JSON schema of another type.

    The route's parameter stays a plain JSON object (FastAPI refuses only malformed JSON or
    a non-object); the schema, with every model it names, goes into the OpenAPI's
    components like those of any other route.
    """

    def __init__(self, published: Any) -> None:
        self._adapter: TypeAdapter[Any] = TypeAdapter(published)

    def __get_pydantic_json_schema__(
        self, _: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(self._adapter.core_schema)
        _as_parsed(schema, handler)
        return schema


def _as_parsed(schema: JsonSchemaValue, handler: GetJsonSchemaHandler) -> None:
    """Say in the schema what parsing requires beyond the models' own JSON schema.

    Free text has no NUL character (`web.api` refuses it: PostgreSQL stores none), and
    required text is more than whitespace (the domain strips it first). And the
    tag of every discriminated union's member is required, as parsing needs it:
    pydantic leaves a defaulted tag (`type: Literal["add_note"] = "add_note"`) optional,
    so a generator following the schema would leave it out and be refused. Answers never
    hold a NUL and always carry their tags, so the components shared with them stay true.
    """
    pending: list[Any] = [schema]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        if "$ref" in node:
            pending.append(handler.resolve_ref_schema(node))
        if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(node):
            node["pattern"] = NOT_BLANK if node.get("minLength", 0) >= 1 else NO_NUL
        tag = node.get("discriminator", {}).get("propertyName")
        for member in node.get("oneOf", []) if tag else []:
            required = handler.resolve_ref_schema(member).setdefault("required", [])
            if tag not in required:
                required.insert(0, tag)
        pending.extend(value for key, value in node.items() if key != "$ref")


# Built from the domain's union at import, so no type checker can follow it.
_ONE_COMMAND = Annotated[typing.Union[COMMANDS], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007

OpeningBody = Annotated[
    dict[str, Any],
    Body(description="An `open_pathway` command; `type` and `pathway_id` may be left out."),
    PublishedAs(OPENING),
]
CommandBody = Annotated[
    dict[str, Any],
    Body(description="One command: its `type` and fields, its `command_id` and business time."),
    PublishedAs(_ONE_COMMAND),
]
