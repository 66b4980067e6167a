"""Schemathesis against the codec endpoints alone, over ASGI: no 5xx, every answer documented.

As each person of the codec's roles, one who may not use it, and nobody: Schemathesis'
coverage cases and a bounded number of generated ones, positive and negative, for
`/codec/decode` and `/codec/encode` (the rest of the API is fuzzed by
`tests/web/test_schemathesis.py`). A refusal records no read and makes no key.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext, CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from infra.access_log.model import AccessQuery
from tests.security.codec_app import MemoryKeyring, codec_app
from tests.web.staff import bearer

MAX_EXAMPLES = int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "3")) * 4
"""Generated cases per operation and person, after the coverage ones: 12 in `make test`
(32 until 7 December; derandomised, every person is sent the same ones), four times
`PATHWAYS_FUZZ_EXAMPLES` in a deep run."""

PEOPLE = ("cora", "anna", "aldo", None)
"""The coordinator (encodes and decodes), a caseworker, an auditor (refused), nobody."""

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture(scope="module")
def codec_schema(keyring: MemoryKeyring) -> Any:
    app = asyncio.run(codec_app(keyring))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return schema.include(path_regex="^/codec/")


def nothing_kept_on_refusal(keyring: MemoryKeyring, app: Any) -> CheckFunction:
    """A check: a 4xx answer made no key and recorded no read."""
    keys_before = dict(keyring.keys)

    def refusal_keeps_nothing(ctx: CheckContext, response: Any, case: Any) -> bool | None:
        if not 400 <= response.status_code < 500:
            return None
        assert keyring.keys == keys_before, "a refused request made a key"
        logged = asyncio.run(app.state.access_log.search(AccessQuery()))
        assert logged == [], "a refused request recorded a read"
        return True

    return refusal_keeps_nothing


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: p or "nobody")
def test_codec_operations_conform_and_never_fail(
    person: str | None, codec_schema: Any, keyring: MemoryKeyring
) -> None:
    headers = bearer(person) if person is not None else None
    app = codec_schema.app
    operations = [result.ok() for result in codec_schema.get_all_operations()]
    assert sorted(o.path for o in operations) == ["/codec/decode", "/codec/encode"]
    failures: list[str] = []
    sent = 0

    def call(case: schemathesis.Case) -> None:
        nonlocal sent
        checks = [*CHECKS, nothing_kept_on_refusal(keyring, app)]
        response = case.call(headers=headers)
        sent += 1
        case.validate_response(response, checks=checks, headers=headers)

    for operation in operations:
        coverage = codec_schema.iter_coverage_cases(
            operation,
            generation_modes=list(GenerationMode),
            generation_config=codec_schema.config.generation,
        )
        for case in coverage:
            try:
                call(case)
            except Exception as failure:
                failures.append(f"{operation.label}: {failure}")

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        def generated(case: schemathesis.Case) -> None:
            call(case)

        try:
            generated()
        except Exception as failure:
            failures.append(f"{operation.label} (generated): {failure}")
    print(f"\n{person}: {sent} requests")
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
