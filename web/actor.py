"""Who is asking: the `actor` dependency every route takes.

DEVELOPMENT STAND-IN. Until sign-in exists (issue 5, authentication slice), the actor is
read from the `X-Pathways-Actor` and `X-Pathways-Role` headers, which anyone can set: this
is no authentication at all, and must not be exposed beyond a developer's machine. The
routes depend only on `current_actor`; the auth slice replaces its body with a lookup of
the session cookie or bearer token, and the routes stay as they are.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header
from pydantic import ValidationError

from domain.values import Actor, Role
from web.problems import UNAUTHENTICATED, ProblemError


async def current_actor(
    x_pathways_actor: Annotated[
        str | None, Header(description="Development stand-in: the acting user's id")
    ] = None,
    x_pathways_role: Annotated[
        str | None, Header(description="Development stand-in: the acting user's role")
    ] = None,
) -> Actor:
    """The actor named by the development headers; 401 problem+json without them.

    Raises:
        ProblemError: `unauthenticated` (401) when a header is missing, the id is invalid,
            or the role is unknown or `system` (the clock's, never a person's).
    """
    if not x_pathways_actor or not x_pathways_role:
        raise ProblemError(UNAUTHENTICATED, "give X-Pathways-Actor and X-Pathways-Role", status=401)
    if x_pathways_role == Role.SYSTEM:
        raise ProblemError(UNAUTHENTICATED, "the system role is not for people", "role", status=401)
    try:
        return Actor.model_validate({"id": x_pathways_actor, "role": x_pathways_role})
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise ProblemError(UNAUTHENTICATED, first["msg"], field, status=401) from None


CurrentActor = Annotated[Actor, Depends(current_actor)]
"""The acting person, for a route's signature."""
