"""No secret reaches the log: records fed through the real logging configuration."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from infra.config import Settings
from infra.log_redaction import REDACTED, redact_text
from infra.logging import configure_logging

PASSWORD = "correct horse battery"
TOKEN = "pwt_Zx81kQ0vY3mN5pL7rT9wB2cD4fG6hJ8kL0mN2pQ4rS6"
COOKIE = "eyJhY2NvdW50X2lkIjogImFubmEifQ==.Z2.sig-abc123"
IBAN = "IT60X0542811101000000123456"
IBAN_GROUPED = "IT60 X054 2811 1010 0000 0123 456"
MASTER = "m4st3r-k3y-b64-QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
SECRETS = (PASSWORD, TOKEN, COOKIE, IBAN, IBAN_GROUPED, MASTER, HASH, "s3ss10n-s3cr3t")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    # Earlier tests may have run uvicorn in-process with its own logging config (handlers
    # of its own, no propagation): the records fed here must reach the root as in
    # production, where uvicorn runs with log_config=None.
    fed = [
        logging.getLogger(n) for n in ("uvicorn", "uvicorn.access", "some.library", "pathways.test")
    ]
    saved = [(f.handlers[:], f.level, f.propagate, f.disabled) for f in fed]
    for logger in fed:
        logger.handlers[:], logger.propagate, logger.disabled = [], True, False
        logger.setLevel(logging.NOTSET)
    yield
    for logger, (its_handlers, its_level, propagate, disabled) in zip(fed, saved, strict=True):
        logger.handlers[:], logger.propagate, logger.disabled = its_handlers, propagate, disabled
        logger.setLevel(its_level)
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def feed_secrets() -> None:
    log = structlog.get_logger("pathways.test")
    with structlog.contextvars.bound_contextvars(session_id="s3ss10n-s3cr3t"):
        log.info("sign_in", account_id="anna", password=PASSWORD, pathway_id="p-1")
        log.info("request", headers={"Authorization": f"Bearer {TOKEN}", "Cookie": "x"})
        log.info("payment", iban=IBAN, note=f"paid to {IBAN_GROUPED} today", amount=120)
        log.warning(f"config PATHWAYS_MASTER_KEY={MASTER} loaded")
        log.info("hash", stored=[HASH], nested={"deep": {"api_token": TOKEN}})
    logging.getLogger("uvicorn.access").info(
        "GET /x?token=%s HTTP/1.1 Cookie: pathways_session=%s", TOKEN, COOKIE
    )
    try:
        raise ValueError(f"bad password={PASSWORD} for {IBAN}")
    except ValueError:
        log.exception("failed")
        logging.getLogger("some.library").exception("library failed with %s", TOKEN)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("log_format", ["json", "console"])
def test_secrets_never_reach_the_log(log_format: str) -> None:
    out = io.StringIO()
    configure_logging(Settings(log_format=log_format, log_level="INFO"), stream=out)

    feed_secrets()

    written = out.getvalue()
    assert written.count("\n") >= 8, written
    for secret in (*SECRETS, "correct horse", "0542811101"):
        assert secret not in written, f"{secret!r} leaked:\n{written}"
    assert REDACTED in written
    # What is not secret stays, so the log is still useful.
    for kept in ("anna", "p-1", "120", "sign_in", "library failed", "ValueError"):
        assert kept in written
    if log_format == "json":
        records = [json.loads(line) for line in written.splitlines()]
        assert records[0]["password"] == REDACTED and records[0]["account_id"] == "anna"
        assert records[0]["session_id"] == REDACTED


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"Authorization: Bearer {TOKEN}", f"Authorization: Bearer {REDACTED}"),
        (f"iban {IBAN}.", f"iban {REDACTED}."),
        ("smtp_password: hunter22", f"smtp_password: {REDACTED}"),
        (
            '"GET /api/v1/search?purpose=audit&q=nguyen+anh HTTP/1.1" 200',
            f'"GET /api/v1/search?purpose=audit&q={REDACTED} HTTP/1.1" 200',
        ),
        ("GET /search?q=YA1234567&x=1", f"GET /search?q={REDACTED}&x=1"),
        ("pathway p-fuzz-lecce at 2026-03-02T09:00:00+00:00", None),
        ("command c-1 for IT-ref 12", None),
    ],
)
def test_what_looks_like_a_secret_is_masked_and_nothing_else(text: str, masked: str | None) -> None:
    assert redact_text(text) == (text if masked is None else masked)
