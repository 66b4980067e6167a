"""`pathways demo`: seed a realistic demo caseload through the running stack.

The caseload is made by `demo` and the `demo_*` modules; this command sends it and says
what it made.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from infra.config import Settings
from workers.invocation import configured_policy, run_command

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def demo(
    count: Annotated[int, typer.Option(min=1, help="How many pathways to open.")] = 60,
    seed: Annotated[int, typer.Option(help="Seed of the random caseload.")] = 7,
    json: JsonOption = False,
) -> None:
    """Seed a realistic demo caseload through the running stack, under the demo policy.

    Its pathways are opened under infra/policies/demo.toml, whatever policy the stack runs:
    time is compressed there, so that pathways are followed up right after their exit.
    """
    from workers.endpoints import pathway_client
    from workers.views import summary_text, to_json

    async def work(settings: Settings) -> None:
        from client.group_activities import GroupActivities
        from infra.policy_file import load_demo_policy
        from workers.demo import seed_demo
        from workers.demo_accounts import DEMO_PASSWORD
        from workers.demo_group_activities import seed_demo_group_activities
        from workers.demo_partner_accounts import partner_account_lines, seed_partner_work
        from workers.demo_partners import seed_demo_partners
        from workers.demo_plan import plan_demo
        from workers.demo_referrals import seed_demo_referral

        configured_policy(settings)  # a malformed policy stops every sender alike
        # The demo approves payments: they need the project's budget lines.
        from workers.budget_service import ensure_default_budget
        from workers.endpoints import database_stores, database_url

        async with database_url(settings, may_start=False) as conninfo:
            await ensure_default_budget(settings, conninfo)

        from domain.calendar import project_day

        today = project_day(datetime.now(UTC))
        async with pathway_client(settings) as pathways:
            summary = await seed_demo(
                pathways, today=today, count=count, seed=seed, policy=load_demo_policy()
            )
            moved = await seed_demo_referral(pathways, summary.pathway_ids, today)
            async with database_stores(settings) as stores:
                partners = await seed_demo_partners(stores.partners)
                recorder = GroupActivities(
                    pathways.temporal, pathways.task_queue, stores.events.caseload
                )
                plan = plan_demo(today, count, seed, policy=load_demo_policy())
                grouped = await seed_demo_group_activities(recorder, plan, today)
                at_work = await seed_partner_work(
                    pathways, stores.events, stores.accounts, stores.partners, DEMO_PASSWORD
                )
        typer.echo(to_json(summary) if json else summary_text(summary))
        if not json:
            typer.echo(f"{len(partners)} demo partners registered")
            if moved is not None:
                typer.echo(f"{moved}: referred from org-lecce to org-nardo, then transferred")
            for done in grouped:
                typer.echo(
                    f"group activity {done.activity.activity_id}: "
                    f"{done.count('done')} attendees recorded"
                )
            for line in partner_account_lines(at_work, DEMO_PASSWORD):
                typer.echo(line)

    run_command(work)
