"""OpenAPI links: from a command's reply to what can be done next with its pathway.

A reply (`CommandResult`) names its pathway; the links say which operations take that id,
so a client, or Schemathesis' stateful phase, goes from opening a pathway to reading its
state and history and sending it commands without guessing ids.
"""

from __future__ import annotations

from typing import Any

PATHWAY = "/api/v1/pathways/{pathway_id}"

FOLLOW_UPS = {
    "state": (f"{PATHWAY}", "get", "Its state, as folded from its events."),
    "history": (f"{PATHWAY}/history", "get", "Its events, in order."),
    "command": (f"{PATHWAY}/commands", "post", "Its next command."),
}
"""Link name: the operation's path and method, and what it gives."""


def _operation_ref(path: str, method: str) -> str:
    """A JSON pointer to an operation of this document (`~1` is an escaped `/`)."""
    return f"#/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}"


def pathway_links(status_code: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry giving `status_code`'s reply the links to its pathway."""
    links = {
        name: {
            "operationRef": _operation_ref(path, method),
            "parameters": {"pathway_id": "$response.body#/pathway_id"},
            "description": description,
        }
        for name, (path, method, description) in FOLLOW_UPS.items()
    }
    return {status_code: {"links": links}}
