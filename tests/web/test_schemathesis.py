"""Schemathesis against the live app: uvicorn on 127.0.0.1, a worker, the time-skipping server.

Every operation of the served `/openapi.json` is tried as one person of each role and as
nobody, on the in-memory stores and on PostgreSQL ones: explicit cases aimed at seeded
pathways, Schemathesis' coverage cases (boundaries, missing and wrong-typed inputs; dealt
out among the roles), then generated ones, positive (path ids and command bodies often
those of seeded pathways and well-formed commands) and negative. Every answer must conform
to the OpenAPI: no 5xx; a documented status, media type and schema, problem documents
included; schema-violating input refused. And a refused request (4xx) must leave the event
log and the accounts as they were.

The operations are looped over inside one test per backend and role, a failure collected
per operation: `schemathesis.pytest.from_fixture` reads `Function._nodeid`, which pytest
9.2 no longer has.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from psycopg import sql
from psycopg.conninfo import make_conninfo
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext, CheckFunction, not_a_server_error
from schemathesis.hooks import HookContext, HookDispatcher, HookScope
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.live import LiveApp, Snapshot, live_app
from tests.web.staff import PASSWORD, bearer

ROLES: dict[str, str | None] = {
    "caseworker": "anna",
    "supervisor": "sara",
    "coordinator": "cora",
    "auditor": "aldo",
    "admin": "adele",
    "nobody": None,
}
"""Who asks: one person of each role (Lecce's caseworker and supervisor), and nobody."""

MAX_EXAMPLES = int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "8"))
"""Generated cases per operation, backend and role, after the explicit and coverage ones
(8 keeps `make test` short; set PATHWAYS_FUZZ_EXAMPLES for a deeper run)."""

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

PATHWAYS = {"lecce": "p-fuzz-lecce", "nardo": "p-fuzz-nardo", "closed": "p-fuzz-closed"}
"""Seeded: Anna's open pathway in Lecce, Marta's in Nardò, and Anna's closed one."""


def new_id(prefix: str = "c") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def seed(live: LiveApp) -> None:
    owners = {"lecce": ("anna", "org-lecce"), "nardo": ("marta", "org-nardo")}
    owners["closed"] = owners["lecce"]
    with requests.Session() as http:
        for what, pathway_id in PATHWAYS.items():
            caseworker, organisation = owners[what]
            opening = {
                **OPEN,
                "pathway_id": pathway_id,
                "organisation_id": organisation,
                "caseworker_id": caseworker,
                "command_id": new_id(),
            }
            reply = http.post(
                f"{live.base_url}/api/v1/pathways", json=opening, headers=bearer(caseworker)
            )
            assert reply.status_code == 201, reply.text
        for command in (
            {"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION},
            {"type": "close_pathway", "reason": "moved away"},
        ):
            reply = http.post(
                f"{live.base_url}/api/v1/pathways/{PATHWAYS['closed']}/commands",
                json={**command, "command_id": new_id()},
                headers=bearer("anna"),
            )
            assert reply.status_code == 200, reply.text


# Well-formed inputs, so that the cases get past validation and scope to the domain's rules.

COMMANDS = (
    {"type": "record_baseline", "condition": CONDITION},
    ASSESSMENT,
    {"type": "add_note", "text": "called the landlord"},
    {"type": "approve_plan"},
    {"type": "suspend_pathway", "reason": "hospital_stay"},
    {"type": "resume_pathway"},
    {"type": "reassign_caseworker", "caseworker_id": "luca"},
    {"type": "close_pathway"},
    {"type": "open_pathway"},
)


def opening(pathway_id: str, organisation_id: str, caseworker_id: str) -> dict[str, Any]:
    return {
        **OPEN,
        "pathway_id": pathway_id,
        "organisation_id": organisation_id,
        "caseworker_id": caseworker_id,
        "command_id": new_id(),
    }


def explicit_cases(operation: schemathesis.APIOperation) -> list[schemathesis.Case]:
    """Cases aimed at the seeded pathways and accounts (fresh command ids on every call)."""
    pathway = "/api/v1/pathways/{pathway_id}"
    on_each = [{"pathway_id": pid} for pid in PATHWAYS.values()]
    match operation.method.upper(), operation.path:
        case "POST", "/api/v1/pathways/{pathway_id}/commands":
            return [
                operation.Case(path_parameters=path, body={**command, "command_id": new_id()})
                for path in on_each
                for command in COMMANDS
            ]
        case "POST", "/api/v1/pathways":
            return [
                operation.Case(body=opening(pid, organisation, caseworker))
                for pid in (new_id("p"), PATHWAYS["lecce"])
                for organisation, caseworker in (("org-lecce", "anna"), ("org-nardo", "marta"))
            ]
        case "GET", path if path == pathway:
            return [
                operation.Case(path_parameters=path, query=query)
                for path in on_each
                for query in ({}, {"as_of": "2000-01-01"}, {"as_of": "9999-12-31"})
            ]
        case "GET", path if path.startswith(pathway):
            return [operation.Case(path_parameters=path) for path in on_each]
        case "GET", "/api/v1/pathways" | "/api/v1/obligations/overdue":
            return [
                operation.Case(query=query)
                for query in (
                    {},
                    {"organisation_id": "org-nardo"},
                    {"caseworker_id": "marta"},
                    {"organisation_id": "org-lecce", "caseworker_id": "anna"},
                )
            ]
        case "POST", "/api/v1/users":
            person = {"display_name": "Nina", "role": "caseworker", "password": PASSWORD}
            return [
                operation.Case(body={**person, "id": new_id("u"), "organisation_id": org})
                for org in ("org-nardo", "org-elsewhere")
            ] + [operation.Case(body={**person, "id": "anna", "organisation_id": "org-lecce"})]
        case "POST", "/api/v1/organisations":
            return [
                operation.Case(body={"id": new_id("org"), "name": "Partner di Galatina"}),
                operation.Case(body={"id": "org-lecce", "name": "Partner di Lecce"}),
            ]
    return []


def _commands() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda command: {**command, "command_id": new_id()}, st.sampled_from(COMMANDS))


def _openings() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        opening,
        st.sampled_from([*PATHWAYS.values(), "p-fuzz-new"]),
        st.sampled_from(["org-lecce", "org-nardo", "org-elsewhere"]),
        st.sampled_from(["anna", "marta", "someone"]),
    )


def _seeded_ids(context: HookContext, strategy: st.SearchStrategy[Any]) -> Any:
    if context.operation is None or "/pathways/{pathway_id}" not in context.operation.path:
        return strategy
    seeded = st.sampled_from(sorted(PATHWAYS.values())).map(lambda pid: {"pathway_id": pid})
    return st.one_of(seeded, strategy)


def _well_formed_bodies(context: HookContext, strategy: st.SearchStrategy[Any]) -> Any:
    operation = context.operation
    if operation is None or operation.method.upper() != "POST":
        return strategy
    if operation.path == "/api/v1/pathways":
        return st.one_of(_openings(), strategy)
    if operation.path == "/api/v1/pathways/{pathway_id}/commands":
        return st.one_of(_commands(), strategy)
    return strategy


def _positive_hooks() -> HookDispatcher:
    hooks = HookDispatcher(scope=HookScope.TEST)
    hooks.register_hook_with_name(_seeded_ids, "before_generate_path_parameters")
    hooks.register_hook_with_name(_well_formed_bodies, "before_generate_body")
    return hooks


def unchanged_by_refusal(before: Snapshot, live: LiveApp) -> CheckFunction:
    """A check: after a 4xx answer, the event log and the accounts are as they were."""

    def no_state_change_on_refusal(ctx: CheckContext, response: Any, case: Any) -> bool | None:
        if not 400 <= response.status_code < 500:
            return None
        after = live.snapshot()
        assert after == before, (
            f"the refused request ({response.status_code}) changed the state: {before} -> {after}"
        )
        return True

    return no_state_change_on_refusal


@dataclass
class Run:
    """One backend and role: what was sent, and what went wrong."""

    live: LiveApp
    headers: dict[str, str] | None
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def call(self, case: schemathesis.Case) -> None:
        """Send `case`, check the answer, and that a refusal changed nothing."""
        before = self.live.snapshot()
        response = case.call(headers=self.headers, timeout=30)
        self.requests += 1
        case.validate_response(
            response,
            checks=[*CHECKS, unchanged_by_refusal(before, self.live)],
            headers=self.headers,
        )

    def attempt(self, label: str, test: Callable[[], None]) -> None:
        try:
            test()
        except Exception as failure:
            self.failures.append(f"{label}:\n{failure}")

    def fuzz(self, operation: schemathesis.APIOperation) -> None:
        """Generated cases, positive (seeded ids and bodies mixed in) and negative."""
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, hooks=_positive_hooks()),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def generated(case: schemathesis.Case) -> None:
            self.call(case)

        generated()


@pytest.fixture(scope="module")
def fuzz_database(postgres_uri: str) -> Iterator[str]:
    """An empty database of the session's embedded PostgreSQL for this module."""
    name = f"fuzz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_uri, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_conninfo(postgres_uri, dbname=name)
    finally:
        with psycopg.connect(postgres_uri, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module", params=["memory", "postgres"])
def live(request: pytest.FixtureRequest) -> Iterator[LiveApp]:
    database = request.getfixturevalue("fuzz_database") if request.param == "postgres" else None
    with live_app(database) as app:
        seed(app)
        yield app


@pytest.fixture(scope="module")
def api_schema(live: LiveApp) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live.base_url}/openapi.json")


@pytest.fixture(scope="module")
def coverage(api_schema: schemathesis.BaseSchema) -> dict[str, list[schemathesis.Case]]:
    """Schemathesis' deterministic coverage cases of each operation, made once for all roles."""
    cases: dict[str, list[schemathesis.Case]] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        cases[operation.label] = list(
            api_schema.iter_coverage_cases(
                operation,
                generation_modes=list(GenerationMode),
                generation_config=api_schema.config.generation,
            )
        )
    return cases


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_conforms_and_refusals_change_nothing(
    role: str,
    live: LiveApp,
    api_schema: schemathesis.BaseSchema,
    coverage: dict[str, list[schemathesis.Case]],
) -> None:
    who = ROLES[role]
    run = Run(live, bearer(who) if who is not None else None)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    share = slice(list(ROLES).index(role), None, len(ROLES))
    for operation in operations:
        label = operation.label
        # The coverage cases are dealt out among the roles: each is sent once per backend.
        for case in [*explicit_cases(operation), *coverage[label][share]]:
            run.attempt(label, lambda case=case: run.call(case))
        run.attempt(f"{label} (generated)", lambda operation=operation: run.fuzz(operation))
    print(f"\n{role}: {len(operations)} operations, {run.requests} requests")
    assert not run.failures, f"{len(run.failures)} failures as {role}:\n\n" + "\n\n".join(
        run.failures
    )
