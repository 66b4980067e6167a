"""`pathways caseload` and `pathways attendance` `import-template` and `import`'s refusals:
each bad file or argument is `error: <code>: ...`, exit 2, before anything starts (run in
process, no servers needed: the file is refused before Temporal or the accounts are
asked)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.imports.attendance import line, sheet_csv
from tests.imports.rows import cells, csv_of
from tests.integration.conftest import clean_environ, in_process

ENV = clean_environ(PATHWAYS_IMPORT_MAX_ROWS="2", PATHWAYS_DATABASE_URL="postgresql://nowhere/x")


async def test_the_template_is_written_as_xlsx_or_csv(tmp_path: Path) -> None:
    ran = await in_process("caseload", "import-template", str(tmp_path / "m.xlsx"), env=ENV)
    assert ran.code == 0, ran
    book = load_workbook(io.BytesIO((tmp_path / "m.xlsx").read_bytes()))
    assert book.sheetnames == ["Percorsi", "Istruzioni"]
    ran = await in_process("caseload", "import-template", str(tmp_path / "m.csv"), env=ENV)
    assert (tmp_path / "m.csv").read_text().startswith('"Nome","Cognome"')
    refused = await in_process("caseload", "import-template", str(tmp_path / "m.pdf"), env=ENV)
    assert refused.code == 2 and "invalid_command" in refused.stderr
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\x00binary", "not_a_spreadsheet"),
        (b"nome;cognome\nAda;Obi\n", "wrong_headers"),
        (csv_of([cells(n) for n in range(1, 4)]), "too_many_rows"),
        (None, "file_not_found"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_with_its_code(
    tmp_path: Path, content: bytes | None, code: str
) -> None:
    file = tmp_path / "elenco.csv"
    if content is not None:
        file.write_bytes(content)
    ran = await in_process(
        "caseload", "import", str(file), "--organisation", "org-lecce", "--dry-run",
        "--actor", "sara", env=ENV,
    )  # fmt: skip
    assert ran.code == 2, ran
    assert ran.stderr.startswith(f"error: {code}:"), ran


@pytest.mark.parametrize(
    "args",
    [
        ("caseload", "import"),
        ("caseload", "import", "x.csv", "--organisation", "org-lecce"),  # not --dry-run
        ("caseload", "import", "x.csv", "--dry-run", "--apply", "bulk-1"),
        ("caseload", "import", "x.csv", "--dry-run"),  # no organisation
    ],
)
async def test_a_wrong_combination_of_arguments_is_refused(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    (tmp_path / "x.csv").write_bytes(csv_of([cells(1)]))
    ran = await in_process(*[str(tmp_path / a) if a == "x.csv" else a for a in args], env=ENV)
    assert ran.code == 2, ran
    assert "invalid_command" in ran.stderr


async def test_the_attendance_template_is_written_as_xlsx_or_csv(tmp_path: Path) -> None:
    ran = await in_process("attendance", "import-template", str(tmp_path / "p.xlsx"), env=ENV)
    assert ran.code == 0, ran
    book = load_workbook(io.BytesIO((tmp_path / "p.xlsx").read_bytes()))
    assert book.sheetnames == ["Presenze", "Istruzioni"]
    await in_process("attendance", "import-template", str(tmp_path / "p.csv"), env=ENV)
    assert (tmp_path / "p.csv").read_text().startswith('"Percorso","Misura","Mese","Ore"')


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7\x00binary", "not_a_spreadsheet"),
        (csv_of([cells(1)]), "wrong_headers"),  # a caseload's file
        (sheet_csv([line("abcd1234", "work_grant-1", "2026-01", 8)] * 3), "too_many_rows"),
        (None, "file_not_found"),
    ],
)
async def test_an_attendance_sheet_that_cannot_be_imported_is_refused_with_its_code(
    tmp_path: Path, content: bytes | None, code: str
) -> None:
    file = tmp_path / "presenze.csv"
    if content is not None:
        file.write_bytes(content)
    ran = await in_process(
        "attendance", "import", str(file), "--organisation", "org-lecce", "--dry-run",
        "--actor", "anna", env=ENV,
    )  # fmt: skip
    assert ran.code == 2, ran
    assert ran.stderr.startswith(f"error: {code}:"), ran
    wrong = await in_process("attendance", "import", str(file), "--actor", "anna", env=ENV)
    assert wrong.code == 2 and "invalid_command" in wrong.stderr
