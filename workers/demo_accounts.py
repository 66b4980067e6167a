"""The demo staff as accounts, so that a new user can sign in at once after `pathways up`.

The caseworkers, supervisors and coordinator of `demo_data`, plus an auditor and an
admin, all with one known password and an address at example.org (a domain that never
receives mail). Created only when PATHWAYS_DEMO_ACCOUNTS allows it: by default, only on the
embedded database, never on a configured one.
"""

from __future__ import annotations

from domain.values import Role
from infra.accounts.model import Account, Organisation
from infra.config import Settings
from workers.demo_data import DEMO_ORGANISATIONS, DEMO_USERS

DEMO_PASSWORD = "pathways-demo-2026"

_PROJECT_STAFF = (
    ("aldo", Role.AUDITOR, "Aldo Renna"),
    ("adele", Role.ADMIN, "Adele Conte"),
)
"""People of the project as a whole: they belong to no partner organisation."""


def demo_accounts_wanted(settings: Settings) -> bool:
    """PATHWAYS_DEMO_ACCOUNTS when set; else whether `up` runs the embedded database."""
    if settings.demo_accounts is not None:
        return settings.demo_accounts
    return settings.database_url is None


def demo_organisations() -> list[Organisation]:
    return [Organisation(id=o.organisation_id, name=o.name) for o in DEMO_ORGANISATIONS]


def demo_accounts() -> list[Account]:
    """Every demo account, in the order the banner lists them."""
    staff = [
        Account(
            id=user.user_id,
            display_name=user.display_name,
            role=user.role,
            organisation_id=user.organisation_id,
            email=f"{user.user_id}@example.org",
        )
        for user in DEMO_USERS
    ]
    project = [
        Account(id=user_id, display_name=name, role=role, email=f"{user_id}@example.org")
        for user_id, role, name in _PROJECT_STAFF
    ]
    return staff + project
