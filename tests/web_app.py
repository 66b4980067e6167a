"""The web app as the composition root composes it, for tests that build their own.

`create_app` must be given the accounts' service and the partner registry (web imports no
activity); the tests take them from the root, as `workers.web_services` does, through this
one helper: a test that gives no registry gets one in memory that knows no organisation.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from infra.config import Settings
from infra.partners.store import InMemoryPartnerStore
from web.app import create_app
from workers.composition import account_service, partner_inviter, partner_registry

TEST_INVITER = partner_inviter(
    Settings(public_base_url="http://testserver", smtp_host=None)  # nothing is mailed
)
"""The root's inviter, its links on the test server's address, mailing nothing."""


def create_test_app(*args: Any, **kwargs: Any) -> FastAPI:
    """`create_app(*args, **kwargs)` with the root's `account_service` and, unless given,
    an empty in-memory partner registry and the root's inviter mailing nothing."""
    kwargs.setdefault("partners", partner_registry(InMemoryPartnerStore()))
    kwargs.setdefault("partner_inviter", TEST_INVITER)
    return create_app(*args, account_service=account_service, **kwargs)
