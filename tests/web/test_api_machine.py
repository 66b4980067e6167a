"""The HTTP API as a state machine (hypothesis stateful) on the live in-memory app.

Hostile requests — malformed JSON, huge bodies, deep nesting, wrong types, unicode edge
cases, SQL/HTML/template injection strings in bodies, paths and queries — interleaved with
valid commands. Every hostile request gets a 4xx `application/problem+json` with a
snake_case `code` and changes nothing (the event log and the accounts as they were); no
request ever gets a 5xx. A valid note whose text is an injection string is stored
verbatim (it is data, not code).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from pydantic import TypeAdapter, ValidationError

from domain.stream import stream_id_for
from domain.values import Identifier, LongText
from tests.scenarios import OPEN
from tests.web.live import LiveApp, live_app
from tests.web.staff import bearer

PROBLEM = "application/problem+json"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
ANNA = bearer("anna")

INJECTIONS = [
    "'; DROP TABLE events; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(10)",
    '"); DELETE FROM pathway_summaries; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/x}",
    "../../../../etc/passwd",
    "%00",
    "\\x00",
    "$(reboot)",
]
UNICODE_EDGES = [
    "\u202eevil",  # right-to-left override
    "e\u0301",  # combining accent
    "\ufeffbom",
    "😀" * 50,
    "\u00a0",  # no-break space alone
    "Ω" * 5000,
    "\U0010ffff",
    "中文名字",
    "\u2028\u2029",
]
IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
LONG_TEXT: TypeAdapter[str] = TypeAdapter(LongText)
hostile_text = st.sampled_from(INJECTIONS + UNICODE_EDGES) | st.text(min_size=1, max_size=40)
wrong_type = st.one_of(
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _is_identifier(value: str) -> bool:
    try:
        IDENTIFIER.validate_python(value)
    except ValidationError:
        return False
    return True


bad_identifier = st.sampled_from(INJECTIONS + UNICODE_EDGES) | st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=65, max_size=80
)


def assert_refused(reply: httpx.Response) -> None:
    assert 400 <= reply.status_code < 500, f"{reply.status_code}: {reply.text[:500]}"
    assert reply.headers["content-type"].startswith(PROBLEM), reply.headers
    assert CODE.match(reply.json()["code"]), reply.json()


class ApiMachine(RuleBasedStateMachine):
    live: LiveApp
    http: httpx.Client
    pathway_id: str

    def __init__(self) -> None:
        super().__init__()
        self.notes = 0

    def _hostile(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        before = self.live.snapshot()
        reply = self.http.request(method, url, **kwargs)
        assert_refused(reply)
        assert self.live.snapshot() == before, "a refused request changed nothing"
        return reply

    @property
    def commands(self) -> str:
        return f"/api/v1/pathways/{self.pathway_id}/commands"

    @rule(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
    def malformed_json(self, body: bytes) -> None:
        try:
            document = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            pass
        else:
            assume(not isinstance(document, dict))
        headers = {**ANNA, "content-type": "application/json"}
        self._hostile("POST", self.commands, content=body, headers=headers)

    @rule(depth=st.integers(500, 20_000))
    def deeply_nested(self, depth: int) -> None:
        body = "[" * depth + "]" * depth
        headers = {**ANNA, "content-type": "application/json"}
        self._hostile("POST", self.commands, content=body.encode(), headers=headers)

    @rule(size=st.integers(4_001, 400_000), where=st.sampled_from(["text", "extra"]))
    def huge_payload(self, size: int, where: str) -> None:
        document: dict[str, Any] = {"type": "add_note", "command_id": f"h-{uuid.uuid4().hex}"}
        if where == "text":
            document["text"] = "x" * size
        else:
            document |= {"text": "fine", "padding": "y" * size}
        self._hostile("POST", self.commands, json=document, headers=ANNA)

    @rule(
        field=st.sampled_from(["type", "command_id", "text", "occurred_at"]),
        value=wrong_type,
    )
    def wrong_types(self, field: str, value: Any) -> None:
        assume(not (field == "occurred_at" and value is None))  # null: "now", which is valid
        document: dict[str, Any] = {
            "type": "add_note",
            "command_id": f"w-{uuid.uuid4().hex}",
            "text": "a note",
            field: value,
        }
        self._hostile("POST", self.commands, json=document, headers=ANNA)

    @rule(
        field=st.sampled_from(["type", "command_id", "occurred_at"]),
        value=hostile_text,
    )
    def hostile_strings_where_codes_belong(self, field: str, value: str) -> None:
        # Random text is sometimes a well-formed id ("0"), which is rightly accepted.
        assume(field != "command_id" or not _is_identifier(value))
        document = {"type": "add_note", "command_id": f"s-{uuid.uuid4().hex}", "text": "a note"}
        document[field] = value
        self._hostile("POST", self.commands, json=document, headers=ANNA)

    @rule(value=bad_identifier, tail=st.sampled_from(["", "/history", "/commands"]))
    def hostile_pathway_ids(self, value: str, tail: str) -> None:
        method = "POST" if tail == "/commands" else "GET"
        body = {"type": "add_note", "command_id": f"p-{uuid.uuid4().hex}", "text": "x"}
        url = f"/api/v1/pathways/{_quote(value)}"
        self._hostile(method, url + tail, headers=ANNA, **({"json": body} if tail else {}))

    @rule(
        name=st.sampled_from(["stage", "limit", "offset", "caseworker_id", "as_of"]),
        value=hostile_text,
    )
    def hostile_queries(self, name: str, value: str) -> None:
        before = self.live.snapshot()
        path = f"/api/v1/pathways/{self.pathway_id}" if name == "as_of" else "/api/v1/pathways"
        reply = self.http.get(path, params={name: value}, headers=ANNA)
        assert reply.status_code < 500, reply.text[:500]
        if reply.status_code >= 400:
            assert_refused(reply)
        assert self.live.snapshot() == before

    @rule(text=hostile_text)
    def hostile_text_is_kept_as_data(self, text: str) -> None:
        command_id = f"n-{uuid.uuid4().hex}"
        document = {"type": "add_note", "command_id": command_id, "text": text}
        before = self.live.snapshot()
        reply = self.http.post(self.commands, json=document, headers=ANNA)
        assert reply.status_code < 500, reply.text[:500]
        if reply.status_code >= 400:
            assert_refused(reply)
            assert self.live.snapshot() == before
            return
        assert reply.status_code == 200, reply.text
        records = self.live.run(self.live.store.read_stream(stream_id_for(self.pathway_id)))
        mine = [r for r in records if r.command_id == command_id]
        assert [r.type for r in mine] == ["NoteAdded"]
        # Stripped as the model strips (Unicode White_Space; Python's strip() takes more,
        # such as \x1f): the text is kept as data, not cleaned.
        assert mine[0].data["text"] == LONG_TEXT.validate_python(text)


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@pytest.fixture(scope="module")
def live() -> Iterator[LiveApp]:
    with live_app() as app:
        yield app


def test_hostile_requests_are_refused_with_codes_and_change_nothing(live: LiveApp) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    with httpx.Client(base_url=live.base_url, timeout=30) as http:
        opened = http.post(
            "/api/v1/pathways",
            json={**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"},
            headers=ANNA,
        )
        assert opened.status_code == 201, opened.text

        class Machine(ApiMachine):
            pass

        Machine.live, Machine.http, Machine.pathway_id = live, http, pathway_id
        run_state_machine_as_test(
            Machine,
            settings=settings(
                max_examples=12,
                stateful_step_count=6,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            ),
        )
