"""The web app as the composition root composes it, for tests that build their own.

`create_app` must be given the accounts' service (web imports no activity); the tests take
it from the root, as `workers.web_services` does, through this one helper.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from web.app import create_app
from workers.composition import account_service


def create_test_app(*args: Any, **kwargs: Any) -> FastAPI:
    """`create_app(*args, **kwargs)` with the root's `account_service`."""
    return create_app(*args, account_service=account_service, **kwargs)
