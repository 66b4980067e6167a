"""How the API publishes a query parameter that names a day or an instant.

The routes read such a parameter as text and parse it themselves (`known_at`, the access
log's bounds), with their own refusals; these schemas say in the OpenAPI what that parsing
takes. They name the type: without it, JSON Schema lets a format stand for any value that
is not a string, so a client (or a fuzzer) could send `null` as `as_of=`, which parsing
rightly refuses.
"""

from __future__ import annotations

from typing import Any

DAY_OR_INSTANT: dict[str, Any] = {
    "type": "string",
    "anyOf": [{"format": "date"}, {"format": "date-time"}],
}
"""A date (`2026-11-20`) or an ISO datetime; nothing else, not even empty."""

DAY_OR_INSTANT_OR_EMPTY: dict[str, Any] = {
    "type": "string",
    "anyOf": [*DAY_OR_INSTANT["anyOf"], {"maxLength": 0}],
}
"""The same, or empty for no bound: a search form's field left blank."""
