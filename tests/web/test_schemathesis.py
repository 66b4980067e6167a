"""Schemathesis against the live app: uvicorn on 127.0.0.1, a worker, the time-skipping server.

Every operation of the served `/openapi.json` is tried as one person of each role and as
nobody on PostgreSQL's stores, and as the caseworker and nobody on the in-memory ones (`RUNS`):
explicit cases aimed at seeded
pathways, Schemathesis' coverage cases (boundaries, missing and wrong-typed inputs; dealt
out among the roles), then generated ones, positive (path ids and command bodies often
those of seeded pathways and well-formed commands) and negative. Every check Schemathesis
has runs on every answer (no 5xx; a documented status, media type, headers and schema,
problem documents included; schema-violating input refused, schema-valid input accepted or
refused by a rule; auth enforced), and ours: a refused request (4xx) leaves the event log
and the accounts as they were, and a schema-valid one is never refused as malformed. Then
the stateful phase: sequences of calls as Anna that follow the OpenAPI's links.

`make test` runs a bounded sample (see `DEEP`); `PATHWAYS_FUZZ_EXAMPLES=200` a deep run.

The operations are looped over inside one test per backend and role, a failure collected
per operation: `schemathesis.pytest.from_fixture` reads `Function._nodeid`, which pytest
9.2 no longer has.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import CheckContext, CheckFunction, is_check_class, load_all_checks
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.hooks import HookContext, HookDispatcher, HookScope

from client.parsing import INVALID
from tests.conftest import new_database
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, policy_beyond_schema
from tests.web.live import LiveApp, Snapshot, live_app
from tests.web.staff import PASSWORD, bearer
from web.access import PURPOSE_FIELD, PURPOSE_HEADER

ROLES: dict[str, str | None] = {
    "caseworker": "anna",
    "supervisor": "sara",
    "coordinator": "cora",
    "auditor": "aldo",
    "admin": "adele",
    "nobody": None,
}
"""Who asks: one person of each role (Lecce's caseworker and supervisor), and nobody."""

DEEP = "PATHWAYS_FUZZ_EXAMPLES" in os.environ
"""A deep run (`PATHWAYS_FUZZ_EXAMPLES=300`): every coverage case on each backend; else
`make test`'s bounded one, about a minute on a busy two-core machine."""

MAX_EXAMPLES = int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "2"))
"""Generated cases per operation, backend and role, after the explicit and coverage ones.
Two in the bounded run: the generation is derandomised, so every role of a backend is sent
the same cases, and more of them bought little but time (five cost twice as much)."""

BACKENDS = ["memory", "postgres"]

RUNS: list[tuple[str, str]] = [
    ("memory", "caseworker"),
    ("memory", "nobody"),
    *(("postgres", role) for role in ROLES),
]
"""Who asks on which backend: every role on PostgreSQL, the stores people's data lives in;
on the in-memory ones (the tests' doubles) the caseworker, who can do most, and nobody,
who can do nothing. What a role may see and do is decided above the stores, by the same
code on both; what the stores add (scope in SQL, constraints) is PostgreSQL's."""

BOUNDED_COVERAGE_STRIDE = 3
"""The bounded run sends one coverage case in this many."""


def well_formed_is_not_malformed(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """A schema-valid request may break a rule (422 with the rule's code), but is never
    refused as malformed (`invalid_command`), but for the rules JSON Schema cannot state."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code != 422:
        return None
    problem = response.json()
    beyond = policy_beyond_schema(
        (case.body or {}).get("type") if isinstance(case.body, dict) else None,
        problem["field"],
        str(problem["detail"]),
    )
    differ = problem["field"] == PURPOSE_FIELD and purposes_differ(case)
    assert problem["code"] != INVALID or beyond or differ, (
        f"a schema-valid request was refused as malformed: {problem}"
    )
    return True


def purposes_differ(case: schemathesis.Case) -> bool:
    """Whether `case` gives a purpose both as the query parameter and as the header, and
    two different ones: `chosen_purpose` refuses that (`invalid_command`), a rule between
    two parameters that JSON Schema cannot state, so the one refusal the check lets pass."""
    query = (case.query or {}).get(PURPOSE_FIELD)
    header = (case.headers or {}).get(PURPOSE_HEADER)
    return query is not None and header is not None and query != header


load_all_checks()
CHECKS: list[CheckFunction] = [
    *(check for check in REGISTRY.get_all() if not is_check_class(check)),
    well_formed_is_not_malformed,
]
"""Every check Schemathesis has, and ours. `positive_data_acceptance` also takes a 422
(`api_schema`): a well-formed command that breaks a domain rule (wrong stage, back-dated
too far) or a query for a day to come is refused with that rule's code;
`well_formed_is_not_malformed` keeps what the check is for, a valid input refused as invalid."""

ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "410", "413", "415", "422", "429", "5xx"]
"""What `positive_data_acceptance` takes: Schemathesis' defaults, and 422 (see CHECKS); and
a document's refusals by content, which no schema states: 415 (not a PDF or an image), 413
(too large), 410 (erased) (docs/documents.md)."""

STATEFUL_SCENARIOS = int(os.environ.get("PATHWAYS_FUZZ_EXAMPLES", "5"))
"""Sequences of linked calls per backend in the stateful phase."""
STATEFUL_STEPS = 6
"""Calls per sequence at most: an opening, and a few reads and commands of its pathway."""

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
            return [
                operation.Case(path_parameters=_with_other_ids(operation.path, path))
                for path in on_each
            ]
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
        st.one_of(st.sampled_from([*PATHWAYS.values()]), st.builds(new_id, st.just("p"))),
        st.sampled_from(["org-lecce", "org-nardo", "org-elsewhere"]),
        st.sampled_from(["anna", "marta", "someone"]),
    )


def _seeded_ids(context: HookContext, strategy: st.SearchStrategy[Any]) -> Any:
    if context.operation is None or "/pathways/{pathway_id}" not in context.operation.path:
        return strategy
    path = context.operation.path
    seeded = st.sampled_from(sorted(PATHWAYS.values())).map(
        lambda pid: _with_other_ids(path, {"pathway_id": pid})
    )
    return st.one_of(seeded, strategy)


OTHER_IDS = {"document_id": "doc-none", "payment_id": "pay-none", "step": "request"}
"""What else a pathway's path may name: a document or a payment none of the seeded pathways
has (404), an erasure's step."""


def _with_other_ids(path: str, parameters: dict[str, str]) -> dict[str, str]:
    """The seeded pathway's `parameters` and the other ids `path` names (`OTHER_IDS`)."""
    named = {name: value for name, value in OTHER_IDS.items() if f"{{{name}}}" in path}
    return {**parameters, **named}


def _well_formed_bodies(context: HookContext, strategy: st.SearchStrategy[Any]) -> Any:
    operation = context.operation
    if operation is None or operation.method.upper() != "POST":
        return strategy
    if operation.path == "/api/v1/pathways":
        return st.one_of(_openings(), strategy)
    if operation.path == "/api/v1/pathways/{pathway_id}/commands":
        return st.one_of(_commands(), strategy)
    return strategy


def _annas_bodies(context: HookContext, strategy: st.SearchStrategy[Any]) -> Any:
    """Often a new pathway of Anna's in Lecce, or a well-formed command: links to follow."""
    operation = context.operation
    if operation is not None and operation.label == "POST /api/v1/pathways":
        annas = st.builds(lambda: opening(new_id("p"), "org-lecce", "anna"))
        return st.one_of(annas, strategy)
    return _well_formed_bodies(context, strategy)


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
        headers = self.headers
        meta = case.meta
        if meta is not None and meta.is_negative_at(ParameterLocation.HEADER):
            # The credentials are a required header: when the fuzzer leaves them out, so do we.
            headers = headers if "Authorization" in (case.headers or {}) else None
        before = self.live.snapshot()
        response = case.call(headers=headers, timeout=30)
        self.requests += 1
        case.validate_response(
            response,
            checks=[*CHECKS, unchanged_by_refusal(before, self.live)],
            headers=headers,
        )

    def attempt(self, label: str, test: Callable[[], None]) -> None:
        try:
            test()
        except (Exception, FailureGroup) as failure:
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
    with new_database(postgres_uri, "fuzz") as conninfo:
        yield conninfo


@dataclass
class Served:
    """The app on one backend's stores, seeded; its OpenAPI schema and coverage cases."""

    live: LiveApp
    schema: schemathesis.BaseSchema
    coverage: dict[str, list[schemathesis.Case]]


@pytest.fixture(scope="module")
def served(fuzz_database: str) -> Iterator[Callable[[str], Served]]:
    """The app of a backend of `BACKENDS`, started when a test first asks for it and kept
    for the module (the tests' parameters are pairs of `RUNS`, not a product)."""
    with contextlib.ExitStack() as running:
        ready: dict[str, Served] = {}

        def serve(backend: str) -> Served:
            if backend not in ready:
                database = fuzz_database if backend == "postgres" else None
                live = running.enter_context(live_app(database))
                seed(live)
                schema = api_schema(live)
                ready[backend] = Served(live, schema, coverage(schema))
            return ready[backend]

        yield serve


def api_schema(live: LiveApp) -> schemathesis.BaseSchema:
    # The first /openapi.json builds the document (seconds on a loaded machine): past the
    # loader's default 10 s timeout when the two cores are shared.
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json", timeout=60)
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=ACCEPTED
    )
    return schema


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


def coverage_share(backend: str, role: str) -> slice:
    """Which of the coverage cases this backend and role send: in a deep run, each case
    once per backend (dealt out among its roles); in the bounded one, every third case once
    in all (dealt out among the `RUNS`), the rest left to the deep run."""
    if DEEP:
        mine = [r for b, r in RUNS if b == backend]
        return slice(mine.index(role), None, len(mine))
    dealer = RUNS.index((backend, role))
    return slice(dealer, None, len(RUNS) * BOUNDED_COVERAGE_STRIDE)


@pytest.mark.parametrize(("backend", "role"), RUNS)
def test_every_operation_conforms_and_refusals_change_nothing(
    backend: str, role: str, served: Callable[[str], Served]
) -> None:
    app = served(backend)
    who = ROLES[role]
    run = Run(app.live, bearer(who) if who is not None else None)
    operations = [result.ok() for result in app.schema.get_all_operations()]
    share = coverage_share(backend, role)
    for operation in operations:
        label = operation.label
        for case in [*explicit_cases(operation), *app.coverage[label][share]]:
            run.attempt(label, lambda case=case: run.call(case))
        run.attempt(f"{label} (generated)", lambda operation=operation: run.fuzz(operation))
    print(f"\n{role}: {len(operations)} operations, {run.requests} requests")
    assert not run.failures, f"{len(run.failures)} failures as {role}:\n\n" + "\n\n".join(
        run.failures
    )


def linked_schema(live: LiveApp) -> schemathesis.BaseSchema:
    """The served OpenAPI for the stateful phase: positive cases (the other test sends the
    negative ones), bodies often well-formed commands, so that links have ids to follow."""
    # The first /openapi.json builds the document (seconds on a loaded machine): past the
    # loader's default 10 s timeout when the two cores are shared.
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json", timeout=60)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE])
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=ACCEPTED
    )
    schema.hooks.register_hook_with_name(_annas_bodies, "before_generate_body")
    # The pathways' operations: the rest (accounts, inbox) have few links to follow.
    return schema.include(path_regex="^/api/v1/pathways")


def opened_is_readable(ctx: CheckContext, response: Any, case: Any) -> bool | None:
    """A pathway just opened (201), followed by its link, is there to read, as now.

    `ensure_resource_availability` asks the same only of a call whose every parameter
    came from the link, and the reads have optional ones (`purpose`, `as_of`).
    """
    parent = ctx.internals.find_parent(case_id=case.id)
    if parent is None or parent.operation.label != "POST /api/v1/pathways":
        return None
    if case.operation.method.upper() != "GET" or (case.query or {}).get("as_of") is not None:
        return None
    opened = ctx.internals.find_response(case_id=parent.id)
    if opened is None or opened.status_code != 201:
        return None
    if case.path_parameters != {"pathway_id": opened.json()["pathway_id"]}:
        return None
    assert response.status_code != 404, f"the pathway just opened is not found: {response.text}"
    return True


@pytest.mark.parametrize("backend", BACKENDS)
def test_linked_calls_conform_and_what_was_made_is_there(
    backend: str, served: Callable[[str], Served]
) -> None:
    """Stateful: as Anna, sequences of calls that follow the OpenAPI's links (a pathway
    opened, then read, its history, its next command; and the links Schemathesis infers),
    every check on every answer; `ensure_resource_availability` wants what was just made
    readable, `use_after_free` nothing readable after a delete (the API deletes nothing)."""
    schema = linked_schema(served(backend).live)
    headers = bearer("anna")
    calls = 0

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers, "timeout": 30}

        def validate_response(
            self, response: Any, case: schemathesis.Case, *_: Any, **__: Any
        ) -> None:
            nonlocal calls
            calls += 1
            case.validate_response(
                response,
                checks=[*CHECKS, opened_is_readable],
                headers=headers,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"\nstateful: {calls} calls")
