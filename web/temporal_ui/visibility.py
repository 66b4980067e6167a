"""A supervisor's workflow lists: their organisation's pathways only, whatever they query.

The Temporal UI lists workflows with a visibility query (`?query=` on `workflows` and
`workflow-count`). For a supervisor the proxy sends `OrganisationId = '<theirs>' AND (<their
query>)` instead. The wrapping holds only when their query cannot close the parenthesis
itself, so a query is refused unless its string literals hold no quote, backslash or
parenthesis-escaping trick and the rest has balanced parentheses and no comment.
"""

from __future__ import annotations

import re

from infra.search_attributes import ORGANISATION_KEY

INVALID_QUERY = "invalid_query"

# A literal in quotes without quotes or backslashes inside it: it can hide no parenthesis.
_LITERAL = re.compile(r"'[^'\"`\\]*'|\"[^'\"`\\]*\"|`[^'\"`\\]*`")
_COMMENT_OR_ESCAPE = re.compile(r"--|/\*|\*/|#|['\"`\\;]")
# A doubled quote is an escaped quote to the server's parser: the literal goes on.
_DOUBLED_QUOTE = re.compile(r"''|\"\"|``")
_ORGANISATION_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")


class UnsafeQuery(ValueError):
    """A visibility query the organisation filter cannot be wrapped around safely."""

    code = INVALID_QUERY


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def organisation_query(query: str, organisation_id: str) -> str:
    """`query` narrowed to the workflows of `organisation_id`.

    Raises:
        UnsafeQuery: the query could step out of the parentheses around it (an unbalanced
            parenthesis, a comment, a quote or backslash outside a plain literal, a doubled
            quote), or the
            organisation id is not a plain id.
    """
    if not _ORGANISATION_ID.fullmatch(organisation_id):
        raise UnsafeQuery(f"organisation id {organisation_id!r} is not a plain id")
    scope = f"{ORGANISATION_KEY.name} = '{organisation_id}'"
    if not query.strip():
        return scope
    outside_literals = _LITERAL.sub(" ", query)
    if (
        _DOUBLED_QUOTE.search(query)
        or _COMMENT_OR_ESCAPE.search(outside_literals)
        or not _balanced(outside_literals)
    ):
        raise UnsafeQuery("the query has an unbalanced parenthesis, a comment or a stray quote")
    return f"{scope} AND ({query})"
