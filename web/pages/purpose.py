"""The note on pages that show personal data: this read is in the access log, for this purpose.

The reader can change the purpose: a small GET form that reloads the page with `purpose`,
keeping the page's other query parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from infra.access_log.model import Purpose
from web.access import PURPOSE_FIELD


@dataclass(frozen=True)
class PurposeChoice:
    """What the access note shows: the purpose recorded, the others, where the form goes."""

    chosen: Purpose
    purposes: tuple[Purpose, ...]
    action: str
    keep: tuple[tuple[str, str], ...]
    """The page's other query parameters, as hidden fields."""


def purpose_choice(request: Request, chosen: Purpose) -> PurposeChoice:
    keep = tuple((k, v) for k, v in request.query_params.multi_items() if k != PURPOSE_FIELD)
    return PurposeChoice(chosen, tuple(Purpose), request.url.path, keep)
