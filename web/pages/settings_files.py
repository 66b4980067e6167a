"""A settings file (a deadline policy, the budget lines) sent to an admin's page: read whole
or refused, never half.

The upload is read up to `MAX_BYTES` and parsed by the same function the CLI's file goes
through; the preview carries the file's text back in a hidden field, so the confirmation
applies what was previewed, parsed again (nothing is kept on the server between the two).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile

from domain.values import Role
from infra.accounts.model import Account
from web.pages.routing import log
from web.problems import ProblemError
from web.scope import FORBIDDEN

MAX_BYTES = 64 * 1024
"""Far more than a policy or a budget file needs (the shipped ones are under 4 KiB)."""
MAX_NAME = 200


class UploadRefused(Exception):
    """An upload that cannot be read: its code and what to tell the person."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class SentFile:
    """A file's bytes and the name it is reported under (`web:<file name>`)."""

    data: bytes
    name: str

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def check_admin(account: Account, action: str) -> None:
    """403 unless `account` is an admin: who applies a policy or a budget (as the CLI's
    `--actor` is taken to be)."""
    if account.role != Role.ADMIN:
        log.warning("access_denied", account_id=account.id, action=action)
        raise ProblemError(FORBIDDEN, "only an admin changes the project's settings", status=403)


def _source(filename: str) -> str:
    return "web:" + (filename.strip()[:MAX_NAME] or "upload")


async def uploaded(request: Request) -> SentFile:
    """The file of a preview's form (`file`), or the previewed text of a confirmation's
    (`text`, `source`).

    Raises:
        UploadRefused: `missing_field` (no file), `file_too_large` (past `MAX_BYTES`).
    """
    form = await request.form()
    upload, text, source = form.get("file"), form.get("text"), form.get("source")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_BYTES + 1)
        name = _source(upload.filename)
    elif isinstance(text, str) and text.strip():
        data = text.replace("\r\n", "\n").encode()
        name = _source(source.removeprefix("web:") if isinstance(source, str) else "")
    else:
        raise UploadRefused("missing_field", "choose a file")
    if len(data) > MAX_BYTES:
        raise UploadRefused("file_too_large", f"at most {MAX_BYTES // 1024} KiB")
    return SentFile(data, name)
