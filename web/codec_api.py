"""`/codec/decode` and `/codec/encode`: the Temporal UI's remote codec, for people allowed.

The Temporal UI posts `{"payloads": [...]}` (proto JSON: metadata values and data in
base64) with an `X-Namespace` header, from its own origin; the answer has the same shape.
Authenticated by a bearer token or the session cookie (the UI sends the cookie when its
codec setting "include cross-origin credentials" is on). No CSRF token: the UI cannot send
one, decoding changes nothing, and only the UI's origin may read the answer (CORS).

Decoding is all or nothing: every sealed payload names its key, hence its pathway, and the
account must be allowed to read each one — a supervisor the pathways of their organisation,
the coordinator all, a caseworker their own caseload; auditors and admins not at all (403).
Payloads of the system key are the coordinator's only. Encoding (the UI sending a signal)
is the coordinator's only, with the system key. Every use is logged: who, which pathways.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from temporalio.api.common.v1 import Payload

from domain.values import Role
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.crypto.codec import KEY_ID, PathwayCodec, PayloadUnreadable
from infra.crypto.data_keys import SYSTEM_OWNER, owner_of
from web import dependencies
from web.access import PURPOSE_HEADER, chosen_purpose, record_read
from web.auth import _bearer_account, _session_account
from web.codec_payloads import CodecPayloads, parsed
from web.problems import PROBLEM_RESPONSES, UNAUTHENTICATED, ProblemError, problem_response
from web.scope import FORBIDDEN, may_read

log = structlog.get_logger("pathways.web.codec")

CODEC_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
CODEC_UNAVAILABLE = "codec_unavailable"

_DOCUMENTED = {
    400: "Not payloads in proto JSON (`invalid_payloads`)",
    401: "Not signed in, or a bad bearer token (`unauthenticated`)",
    403: "Not allowed for your role, or a payload of a pathway outside your scope",
    410: "A payload's key was destroyed or is unknown (`key_destroyed`, `key_unknown`)",
    503: "This web app has no keyring (`codec_unavailable`)",
}

_OPERATION: dict[str, Any] = {
    "response_model": CodecPayloads,
    "responses": {
        status: {**PROBLEM_RESPONSES[503], "description": description}
        for status, description in _DOCUMENTED.items()
    },
    # The body is read by the route, so that a malformed one is refused with 400, not 422.
    "openapi_extra": {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/CodecPayloads"}}
            },
        }
    },
    "tags": ["codec"],
}


def build_codec_router(ui_origin: str | None, *, documented: bool = True) -> APIRouter:
    """The codec routes; `ui_origin` (`scheme://host:port`) may read their answers.

    Left out of the OpenAPI when not `documented`: an app without a keyring answers them
    503 only.
    """
    router = APIRouter(prefix="/codec", include_in_schema=documented)

    def cors(response: Response, request: Request) -> Response:
        origin = request.headers.get("Origin")
        if ui_origin is not None and origin == ui_origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Vary"] = "Origin"
        return response

    @router.options("/{operation}", include_in_schema=False)
    async def preflight(operation: str, request: Request) -> Response:
        response = cors(Response(status_code=204), request)
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Content-Type, X-Namespace, Authorization"
        )
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    async def answer(
        operation: Callable[[Request], Awaitable[dict[str, Any]]], request: Request
    ) -> Response:
        try:
            response: Response = JSONResponse(await operation(request))
        except ProblemError as error:
            response = problem_response(error.code, error.detail, error.field, status=error.status)
        return cors(response, request)

    @router.post("/decode", summary="Decode payloads for the Temporal UI", **_OPERATION)
    async def decode(request: Request) -> Response:
        return await answer(_decode, request)

    @router.post("/encode", summary="Encode payloads for the Temporal UI", **_OPERATION)
    async def encode(request: Request) -> Response:
        return await answer(_encode, request)

    return router


async def _account(request: Request) -> Account:
    header = request.headers.get("Authorization")
    account = (
        await _bearer_account(request, header)
        if header is not None
        else await _session_account(request)
    )
    if account is None:
        raise ProblemError(UNAUTHENTICATED, "sign in, or send a bearer token", status=401)
    if account.role not in CODEC_ROLES:
        log.warning("codec.refused", account_id=account.id, role=account.role, reason="role")
        raise ProblemError(FORBIDDEN, "your role may not read pathway histories", status=403)
    return account


def _codec(request: Request) -> PathwayCodec:
    codec = dependencies.pathway_codec(request)
    if codec is None:
        raise ProblemError(CODEC_UNAVAILABLE, "this web app has no keyring", status=503)
    return codec


async def _payloads(request: Request) -> list[Payload]:
    return parsed(await request.body())


async def _decode(request: Request) -> dict[str, Any]:
    account = await _account(request)
    codec = _codec(request)
    payloads = await _payloads(request)
    owners = sorted(
        {owner_of(p.metadata[KEY_ID].decode()) for p in payloads if KEY_ID in p.metadata}
    )
    store = dependencies.event_store(request)
    for owner in owners:
        if owner == SYSTEM_OWNER:
            allowed = account.role == Role.COORDINATOR
        else:
            summary = await store.caseload.get_summary(owner)
            allowed = summary is not None and may_read(account, summary)
        if not allowed:
            log.warning("codec.refused", account_id=account.id, role=account.role, pathway_id=owner)
            raise ProblemError(
                FORBIDDEN, "a payload belongs to a pathway outside your scope", status=403
            )
    try:
        decoded = [await codec.open(p) for p in payloads]
    except PayloadUnreadable as err:
        raise ProblemError(err.code, str(err), status=410) from None
    # A decoded history is a read of personal data: in the access log before it is answered.
    read = [o for o in owners if o != SYSTEM_OWNER]
    if read:
        purpose = chosen_purpose(account, request.headers.get(PURPOSE_HEADER))
        await record_read(
            request,
            account,
            read,
            "temporal_history",
            purpose,
            Channel.CODEC,
            f"payloads={len(payloads)}",
        )
    log.info(
        "codec.decoded",
        account_id=account.id,
        role=account.role,
        namespace=request.headers.get("X-Namespace"),
        pathways=owners,
        payloads=len(payloads),
        purpose="temporal_ui",
    )
    return CodecPayloads.of(decoded).model_dump()


async def _encode(request: Request) -> dict[str, Any]:
    account = await _account(request)
    if account.role != Role.COORDINATOR:
        raise ProblemError(FORBIDDEN, "only the coordinator may encode payloads", status=403)
    codec = _codec(request)
    payloads = await _payloads(request)
    encoded = await codec.encode(payloads)
    log.info(
        "codec.encoded",
        account_id=account.id,
        role=account.role,
        namespace=request.headers.get("X-Namespace"),
        payloads=len(payloads),
    )
    return CodecPayloads.of(encoded).model_dump()
