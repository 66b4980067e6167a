"""Where a pathway's workflow is in the Temporal UI, for those who may open it."""

from __future__ import annotations

from urllib.parse import quote

from infra.accounts.model import Account
from web.settings import WebSettings
from web.temporal_ui.access import UI_ROLES
from workflows.models import workflow_id_for

PREFIX = "/temporal"
"""Where the app serves the Temporal UI (its `--ui-public-path`)."""


def temporal_link(settings: WebSettings, pathway_id: str, account: Account) -> str | None:
    """The Temporal UI page of the pathway's workflow: through the app's own `/temporal/`
    when it serves the UI, to the roles that get through; else at the UI's configured
    address (operators' own arrangement); else None."""
    if settings.temporal_ui_upstream:
        if account.role not in UI_ROLES:
            return None
        base = PREFIX
    elif settings.temporal_ui_url:
        base = settings.temporal_ui_url.rstrip("/")
    else:
        return None
    namespace = quote(settings.temporal_namespace, safe="")
    workflow_id = quote(workflow_id_for(pathway_id), safe="")
    return f"{base}/namespaces/{namespace}/workflows/{workflow_id}"
