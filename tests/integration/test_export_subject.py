"""`pathways export-subject`: everything held about one person, clear, in JSON and HTML.

The export that succeeds runs as a process (the console script end to end); the refusals
and the account's creation run in this process (`Deployment.cli_in_process`), as starting
`pathways` is most of a command's CPU (docs/testing.md)."""

from __future__ import annotations

import json
import uuid

from tests.integration.conftest import Deployment
from tests.workflows.journey import envelope, opening


async def test_export_holds_the_persons_data_and_refuses_to_overwrite(
    deployment: Deployment,
) -> None:
    pid = f"p-{uuid.uuid4().hex[:12]}"
    await deployment.pathways.open(opening(pid))
    await deployment.pathways.send(pid, envelope({"type": "add_note", "text": "Called Amina"}))
    out = deployment.workdir / "export"
    nameless = await deployment.cli_in_process("export-subject", pid, "--output", str(out))
    assert nameless.code == 2 and "actor_required" in nameless.stderr
    stranger = await deployment.cli_in_process(
        "export-subject", pid, "--output", str(out), "--actor", "x"
    )
    assert stranger.code == 2 and "account_not_found" in stranger.stderr
    assert not out.exists() and await access_entries(deployment, pid) == []
    made = await deployment.cli_in_process(
        "user", "create", "ada", "--name", "Ada Auditor", "--role", "auditor", "--no-password"
    )
    assert made.code == 0, made  # the deployment's own staff has aldo; she is a new one

    done = await deployment.cli("export-subject", pid, "--output", str(out), "--actor", "ada")
    assert done.code == 0, done
    document = json.loads((out / "subject.json").read_text())
    assert document["state"]["beneficiary"]["document_number"] == "PS1234567"
    assert [e["type"] for e in document["events"]] == ["PathwayOpened", "NoteAdded"]
    page = (out / "subject.html").read_text()
    assert "Diallo" in page and "Called Amina" in page and "<script" not in page
    # The export is a read of personal data: in the access log, under the one who ran it.
    assert await access_entries(deployment, pid) == [
        ("ada", "auditor", "export_subject", "subject_access", "cli")
    ]

    again = await deployment.cli_in_process(
        "export-subject", pid, "--output", str(out), "--actor", "ada"
    )
    assert again.code == 2 and "output_exists" in again.stderr
    unknown = await deployment.cli_in_process(
        "export-subject", "p-nobody", "--output", str(out / "x"), "--actor", "ada"
    )
    assert unknown.code == 2 and "pathway_not_found" in unknown.stderr
    assert not (out / "x").exists()


async def access_entries(deployment: Deployment, pathway_id: str) -> list[tuple[str, ...]]:
    async with deployment.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT account_id, role, what, purpose, channel FROM access_log"
            " WHERE pathway_id = %s ORDER BY at",
            (pathway_id,),
        )
        return [tuple(row) for row in await cur.fetchall()]
