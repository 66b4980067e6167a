"""Reading an imported CSV or XLSX into rows of text, by column key (docs/import.md).

An XLSX is read with openpyxl without its cached results: a formula cell is its text
(`=SUM(A1:A3)`), never evaluated, and a date cell is its ISO day. A CSV is decoded as UTF-8
(a BOM dropped; Latin-1 when it is not UTF-8, as older Excel exports are) and its
delimiter sniffed among `;`, `,` and tab, since Italian Excel writes `;`.

The first row holds the headers: each is a column's Italian header or its key, compared
without case, accents' spacing or surrounding blanks. A second row holding the keys (the
template's) is skipped. Blank rows are skipped too; a row keeps its number as the
spreadsheet shows it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from openpyxl import load_workbook

from domain.imports.rows import ImportFileError, ImportRow

XLSX_MAGIC = b"PK\x03\x04"


def read_rows(
    data: bytes,
    columns: Sequence[tuple[str, str]],
    *,
    max_rows: int,
    max_bytes: int,
) -> tuple[ImportRow, ...]:
    """The rows of the file `data`, by the keys of `columns` (pairs of key and header).

    Raises:
        ImportFileError: `file_too_large` past `max_bytes`; `not_a_spreadsheet` when it is
            neither an XLSX nor a text CSV; `wrong_headers` when a column is missing or
            unknown (every one named); `too_many_rows` past `max_rows`; `empty_file`
            without a row.
    """
    if len(data) > max_bytes:
        raise ImportFileError("file_too_large", f"at most {max_bytes} bytes", field="file")
    table = _xlsx_rows(data) if data.startswith(XLSX_MAGIC) else _csv_rows(data)
    numbered = [(n, row) for n, row in table if any(cell.strip() for cell in row)]
    if not numbered:
        raise ImportFileError("empty_file", "the file has no rows", field="file")
    (_, headers), body = numbered[0], numbered[1:]
    keys = _keys(headers, columns)
    if body and [c.strip() for c in body[0][1][: len(keys)]] == keys:
        body = body[1:]
    if len(body) > max_rows:
        raise ImportFileError(
            "too_many_rows", f"{len(body)} rows: at most {max_rows} a file", field="file"
        )
    if not body:
        raise ImportFileError("empty_file", "the file has headers and no rows", field="file")
    return tuple(
        ImportRow(number=n, cells={k: c.strip() for k, c in zip(keys, row, strict=False) if k})
        for n, row in body
    )


def _keys(headers: Sequence[str], columns: Sequence[tuple[str, str]]) -> list[str]:
    by_name = {_name(k): k for k, _ in columns} | {_name(h): k for k, h in columns}
    keys = [by_name.get(_name(h), "") if h.strip() else "" for h in headers]
    unknown = [h for h, k in zip(headers, keys, strict=True) if h.strip() and not k]
    missing = [h for k, h in columns if k not in keys]
    if unknown or missing:
        raise ImportFileError(
            "wrong_headers",
            "; ".join(
                part
                for part in (
                    f"missing: {', '.join(missing)}" if missing else "",
                    f"unknown: {', '.join(unknown)}" if unknown else "",
                )
                if part
            ),
            field="file",
        )
    return keys


def _name(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ImportFileError(
            "not_a_spreadsheet", f"not an XLSX workbook ({err})", field="file"
        ) from None
    try:
        sheet = book.worksheets[0]
        return [
            (number, [_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell's value as text: a day as ISO, a whole number without `.0`, None empty."""
    match value:
        case None:
            return ""
        case datetime() if value.time() == time(0):
            return value.date().isoformat()
        case date() | datetime() | time():
            return value.isoformat()
        case float() if value.is_integer():
            return str(int(value))
        case _:
            return str(value)


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError("not_a_spreadsheet", "neither XLSX nor CSV text", field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return list(_numbered(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))


def _numbered(reader: Iterable[list[str]]) -> Iterable[tuple[int, list[str]]]:
    return ((number, row) for number, row in enumerate(reader, start=1))
