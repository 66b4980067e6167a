"""A structlog processor that takes secrets out of every log record before it is written.

Values under sensitive keys (password, token, secret, cookie, authorization, session id,
CSRF token, IBAN, master key, …) are replaced whole, at any depth; in every other string,
including messages, tracebacks and library records, what looks like a secret is masked:
bearer tokens, Pathways API tokens (`pwt_…`), the session cookie, `password=…`-style
pairs, argon2 hashes, IBANs and `PATHWAYS_MASTER_KEY=…`. And what a search was for: the
`q` of a URL (`/search?q=…`, `/api/v1/search?q=…`) is a name, a document number or a phone,
which the access log of a server would otherwise write in clear (docs/search.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from structlog.typing import EventDict

REDACTED = "[redacted]"

_SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?$|password|secret|token|authorization|cookie|api_?key|"
    r"master_?key|private_?key|^key$|iban|csrf|^sid$|session_id|credential",
    re.IGNORECASE,
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    (re.compile(r"\bpwt_[A-Za-z0-9_-]{4,}"), f"pwt_{REDACTED}"),
    (re.compile(r"(pathways_session=)[^;\s\"']+"), rf"\1{REDACTED}"),
    (re.compile(r"\$argon2(id|i|d)\$[^\s\"']+"), f"$argon2{REDACTED}"),
    (
        re.compile(
            r"(?i)\b((?:PATHWAYS_)?[A-Z_]*(?:password|passwd|secret|token|master_key|api_key)"
            r"[\"']?\s*[=:]\s*[\"']?)[^\s&\"',;]+"
        ),
        rf"\1{REDACTED}",
    ),
    # A search's text in a URL: personal data (a name, a document, a phone).
    (re.compile(r"([?&]q=)[^&\s\"'#]*"), rf"\1{REDACTED}"),
    # An IBAN: country, check digits, 11 to 30 letters or digits, maybe grouped by four.
    (re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"), REDACTED),
)


def redact_text(text: str) -> str:
    """`text` with everything that looks like a secret masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED if isinstance(k, str) and _SENSITIVE_KEY.search(k) else _redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(v) for v in value)
    if isinstance(value, bytes | bytearray):
        return redact_text(bytes(value).decode("utf-8", "replace"))
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact_text(str(value))


def redact_secrets(logger: object, method_name: str, event_dict: EventDict) -> EventDict:
    """The processor: every value of the record, redacted (keys starting with `_` kept)."""
    return {
        key: value
        if key.startswith("_")
        else (REDACTED if _SENSITIVE_KEY.search(key) else _redact(value))
        for key, value in event_dict.items()
    }
