"""What `pathways up`, `worker` and `web` print once everything runs; `ready` last, for scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from infra.config import Settings

if TYPE_CHECKING:
    from domain.policy import Policy
    from infra.accounts.model import Account
    from workers.services import Stack


def banner(title: str, settings: Settings, policy: Policy) -> Callable[[Stack], None]:
    """The stack's `on_ready`: its services' lines, the policy, the demo accounts, `ready`."""
    source = settings.policy_file or "shipped default"

    def on_ready(stack: Stack) -> None:
        lines = [title, *(f"  {label:<12} {value}" for label, value in stack.banner)]
        lines += [
            f"  {'Policy':<12} {policy.policy_id} ({source})",
            f"  {'Data dir':<12} {settings.data_dir}",
        ]
        if stack.demo_accounts and stack.demo_password:
            lines += demo_lines(stack.demo_accounts, stack.demo_password, stack.web_url)
        lines += ["Press Ctrl-C to stop.", "ready"]
        typer.echo("\n".join(lines))

    return on_ready


def demo_lines(accounts: list[Account], password: str, web_url: str | None) -> list[str]:
    """The demo accounts as a short table, and how to sign in as one of them."""
    width = max(len(a.id) for a in accounts)
    lines = [f"Demo accounts, all with password {password}:"]
    lines += [
        f"  {a.id:<{width}}  {a.role.value:<11}  {a.organisation_id or '-'}".rstrip()
        for a in accounts
    ]
    if web_url is not None:
        examples = [
            next((a for a in accounts if a.role == role), None)
            for role in ("caseworker", "supervisor")
        ]
        who = " or ".join(f"{a.id} ({a.role.value})" for a in examples if a is not None)
        lines.append(f"Sign in at {web_url}" + (f" as {who}, say." if who else "."))
    return lines
