"""`pathways export-subject`: everything held about one person, clear, in JSON and HTML."""

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

    done = await deployment.cli("export-subject", pid, "--output", str(out))
    assert done.code == 0, done
    document = json.loads((out / "subject.json").read_text())
    assert document["state"]["beneficiary"]["document_number"] == "PS1234567"
    assert [e["type"] for e in document["events"]] == ["PathwayOpened", "NoteAdded"]
    page = (out / "subject.html").read_text()
    assert "Diallo" in page and "Called Amina" in page and "<script" not in page

    again = await deployment.cli("export-subject", pid, "--output", str(out))
    assert again.code == 2 and "output_exists" in again.stderr
    unknown = await deployment.cli("export-subject", "p-nobody", "--output", str(out / "x"))
    assert unknown.code == 2 and "pathway_not_found" in unknown.stderr
    assert not (out / "x").exists()
