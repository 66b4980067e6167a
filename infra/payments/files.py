"""The payments' files: bank files written whole or not at all, statements read from disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from domain.payments.errors import PaymentError
from domain.payments.statements import INVALID_STATEMENT, StatementLine, parse_statement


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one.

    The bytes go to a temporary file in the same directory, are flushed to disk, and the
    file is renamed over `path`: a crash leaves no half-written bank file to upload.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_statement(path: Path) -> list[StatementLine]:
    """The lines of a statement file: camt.053 when it is XML, else the CSV format.

    Raises:
        PaymentError: `invalid_statement`, naming the file and the line at fault.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PaymentError(INVALID_STATEMENT, f"{path}: cannot read it ({err.strerror})") from None
    return parse_statement(data, str(path))
