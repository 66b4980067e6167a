"""`OPTIONS`, and a method a path does not take, answered from every route of that path.

Starlette's router answers a wrong method from the first route whose path matches, so
`DELETE /api/v1/pathways` said `Allow: POST` though the path takes GET too, and `OPTIONS`
was refused the same way. This middleware looks at all the app's routes: on a path some
route serves, `OPTIONS` answers 204 and a method none of them takes 405 `method_not_allowed`,
both with `Allow` naming every method of the path (RFC 9110 §9.3.7, §15.5.6). Unknown paths
and methods some route takes (its own `OPTIONS` included, like the codec's CORS preflight)
go on to the router.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from web.problems import problem_response


class AllowedMethods:
    """ASGI middleware over the app's routes (the list itself: routes added later count)."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(self.routes, scope)
        if allowed is None:
            await self.app(scope, receive, send)
            return
        header = {"Allow": ", ".join(sorted(allowed | {"OPTIONS"}))}
        response: Response
        if scope["method"] == "OPTIONS":
            response = Response(status_code=204, headers=header)
        else:
            detail = f"{scope['method']} is not allowed here; use {header['Allow']}"
            response = problem_response("method_not_allowed", detail, headers=header)
        await response(scope, receive, send)


METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
"""The methods of RFC 9110 and RFC 5789 (PATCH): those a path may be asked which it takes."""


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str] | None:
    """The methods some route takes on `scope`'s path, or None when its own method is one.

    Asks each route as the router does (`BaseRoute.matches`), included routers too. None
    also when no route has the path (the router's 404), or one takes every method (a mount,
    such as the static files).
    """
    if _served(routes, scope, scope["method"]):
        return None
    methods = {method for method in METHODS if _served(routes, scope, method)}
    return methods if methods and len(methods) < len(METHODS) else None


def _served(routes: list[BaseRoute], scope: Scope, method: str) -> bool:
    asked = {**scope, "method": method}
    return any(route.matches(asked)[0] is Match.FULL for route in routes)
