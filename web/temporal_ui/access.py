"""Who may use the Temporal UI through the app, and which of its workflows and actions.

Those who inspect histories get through: a supervisor (their organisation's pathways), the
coordinator, an auditor, an admin. A caseworker or a partner finds nothing there (404).
Only an admin may act (the UI's POST, PUT, PATCH and DELETE calls: reset, terminate,
signal, start, cancel, update, batch operations, queries); the proxy records each.

A supervisor reads only the workflows of their organisation's pathways, as on the pages:
a path or a parameter naming another workflow answers 404, their workflow lists are
narrowed to their organisation (`web.temporal_ui.visibility`), and what lists other
workflows without that filter (schedules, batch operations, the archive, standalone
activities) is closed to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from domain.values import Role
from infra.accounts.model import Account
from infra.eventstore.queries import CaseloadQueries
from web.auth import NOT_FOUND
from web.problems import ProblemError
from web.scope import FORBIDDEN, deny, may_read
from web.temporal_ui.visibility import UnsafeQuery, organisation_query
from workflows.models import pathway_id_for

log = structlog.get_logger("pathways.web.temporal_ui")

UI_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR, Role.ADMIN})
READ_METHODS = frozenset({"GET", "HEAD"})
LIST_SECTIONS = frozenset({"workflows", "workflow-count"})
CLOSED_TO_SUPERVISORS = frozenset(
    {"archived-workflows", "schedules", "batch-operations", "activities", "activity-count"}
)
"""What lists workflows or their data without the organisation filter."""
QUERY = "query"


@dataclass(frozen=True)
class UiCall:
    """One request to the UI, as the proxy reads it: `path` below `/temporal`, decoded."""

    method: str
    path: str
    params: Sequence[tuple[str, str]]

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def writes(self) -> bool:
        return self.method not in READ_METHODS

    def _after_namespaces(self) -> list[str] | None:
        segments = [s for s in self.path.split("/") if s]
        if "namespaces" not in segments:
            return None
        return segments[segments.index("namespaces") + 1 :]

    @property
    def namespace(self) -> str | None:
        rest = self._after_namespaces()
        return rest[0] if rest else None

    @property
    def section(self) -> str | None:
        """`workflows`, `schedules`, …: what of the namespace the call is about."""
        rest = self._after_namespaces()
        return rest[1] if rest and len(rest) > 1 else None

    @property
    def workflow_ids(self) -> list[str]:
        """Every workflow id the call names, in its path or its parameters."""
        rest = self._after_namespaces() or []
        named = [rest[2]] if len(rest) > 2 and rest[1] == "workflows" else []
        named += [v for k, v in self.params if "workflowid" in k.lower().replace("_", "")]
        return named

    @property
    def lists(self) -> bool:
        rest = self._after_namespaces() or []
        return self.is_api and len(rest) == 2 and rest[1] in LIST_SECTIONS


def admitted(account: Account | None, call: UiCall) -> Account:
    """The account, if its role uses the UI and may make this call at all.

    Raises:
        ProblemError: `not_found` (404) for a role that does not inspect histories;
            `forbidden` (403) for a write by anyone but an admin.
    """
    assert account is not None, "the route asks for sign-in first"
    if account.role not in UI_ROLES:
        log.warning("temporal_ui.refused", account_id=account.id, role=account.role, reason="role")
        raise ProblemError(NOT_FOUND, "no such resource", status=404)
    if call.writes and account.role != Role.ADMIN:
        log.warning(
            "temporal_ui.refused",
            account_id=account.id,
            role=account.role,
            reason="write",
            method=call.method,
            path=call.path,
        )
        raise ProblemError(FORBIDDEN, "only an admin acts on workflows", status=403)
    return account


async def scoped_params(
    account: Account, call: UiCall, namespace: str, caseload: CaseloadQueries
) -> list[tuple[str, str]]:
    """The call's parameters once the account's scope is applied; refuses what lies outside.

    Raises:
        ProblemError: `pathway_not_found` (404) for a workflow outside a supervisor's
            organisation, `not_found` (404) for another namespace or a closed section,
            `invalid_query` (400) for a list query the filter cannot wrap safely.
    """
    params = list(call.params)
    if account.role != Role.SUPERVISOR:
        return params
    if call.namespace not in (None, namespace) or call.section in CLOSED_TO_SUPERVISORS:
        log.warning("temporal_ui.refused", account_id=account.id, reason="section", path=call.path)
        raise ProblemError(NOT_FOUND, "no such resource", status=404)
    for workflow_id in call.workflow_ids:
        pathway_id = pathway_id_for(workflow_id)
        summary = None if pathway_id is None else await caseload.get_summary(pathway_id)
        if summary is None or not may_read(account, summary):
            raise deny(account, "temporal_ui", workflow_id)
    if not call.lists:
        return params
    query = next((v for k, v in params if k == QUERY), "")
    try:
        narrowed = organisation_query(query, account.organisation_id or "")
    except UnsafeQuery as err:
        raise ProblemError(err.code, str(err), QUERY, status=400) from None
    return [(k, v) for k, v in params if k != QUERY] + [(QUERY, narrowed)]


def pathways_named(call: UiCall) -> list[str]:
    """The pathways whose workflows the call names (for the access log)."""
    return sorted({p for w in call.workflow_ids if (p := pathway_id_for(w)) is not None})
