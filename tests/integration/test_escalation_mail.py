"""The clock at work under `pathways up`: nobody acts, the ladder climbs, mail arrives once."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from infra.embedded import free_port
from tests.integration.conftest import PATHWAYS, clean_environ, in_process, run, seconds_policy
from tests.integration.test_up import WALK, pathways_up

SECONDS_POLICY = seconds_policy(8, 4, 4)


async def test_an_unmet_deadline_escalates_by_itself_and_mails_each_step_once(
    workdir: Path,
) -> None:
    policy = workdir / "seconds.toml"
    policy.write_text(SECONDS_POLICY)
    web_port = free_port()
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(workdir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(web_port),
        PATHWAYS_POLICY_FILE=str(policy),
        PATHWAYS_MAIL_SENDER_INTERVAL="0.5",
    )
    mail = workdir / "mail"
    async with pathways_up(env, workdir) as up:
        await up.ready()
        opened = await run(
            PATHWAYS,
            "open",
            "--actor",
            "anna",
            "--file",
            str(WALK / "01-open-pathway.json"),
            env=env,
            cwd=workdir,
        )
        assert opened.code == 0, opened
        pathway_id = opened.stdout.strip()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(mail.glob("*.eml"))) < 3:
            await asyncio.sleep(0.5)
        # The reads in process (`in_process`), a start-up saved each: `open` above, and the
        # walkthrough's `history`, are the subprocesses of the entry point.
        history = await in_process("history", pathway_id, "--json", env=env)
        mine = await in_process("overdue", "--caseworker", "anna", env=env)
        others = await in_process("overdue", "--caseworker", "luca", env=env)
        project = await in_process("overdue", "--json", env=env)
        sara = await in_process(
            *("inbox", "--user", "sara", "--role", "supervisor", "--organisation", "org-lecce"),
            env=env,
        )
        anna = await in_process(
            *("inbox", "--user", "anna", "--role", "caseworker", "--organisation", "org-lecce"),
            env=env,
        )
        code, _ = await up.interrupt()
        assert code == 0, up.log()
    for ran in (history, mine, others, project, sara, anna):
        assert ran.code == 0, ran
    events = json.loads(history.stdout)
    ladder = [e for e in events if e["type"] in {"DeadlineReminderSent", "DeadlineEscalated"}]
    assert [(e["data"]["step"], e["actor"]["id"]) for e in ladder] == [
        ("reminder", "system:deadlines"),
        ("supervisor", "system:deadlines"),
        ("coordinator", "system:deadlines"),
    ]
    messages = sorted(mail.glob("*.eml"))
    assert len(messages) == 3, [m.name for m in messages]
    recipients = sorted(
        next(line for line in m.read_text().splitlines() if line.startswith("To:"))
        for m in messages
    )
    assert recipients == ["To: anna@example.org", "To: cora@example.org", "To: sara@example.org"]
    for message in messages:
        text = message.read_text()
        assert pathway_id in text and "Mariam" not in text and "Touré" not in text
        # The link leads to the web app that `up` serves, on whichever port it was given.
        assert f"http://127.0.0.1:{web_port}/pathways/{pathway_id}" in text

    # Escalations are visible per person: overdue for me, for my organisation, the project.
    assert "baseline" in mine.stdout and pathway_id in mine.stdout, mine
    assert others.stdout.strip() == "nothing overdue", others
    assert [row["obligation"]["kind"] for row in json.loads(project.stdout)] == ["baseline"]
    assert sara.stdout.count("escalation") == 1 and "reminder" not in sara.stdout, sara
    assert anna.stdout.count("reminder") == 1 and "escalation" not in anna.stdout, anna
