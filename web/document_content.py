"""What an uploaded file is, by its content: never by its name or the client's content type.

`filetype` reads the magic bytes; a PDF must moreover begin with `%PDF-` (a file with a
PDF's signature further in, a polyglot, is refused). Empty, too large and other types are
refused with stable codes before anything is stored.
"""

from __future__ import annotations

import filetype

from domain.documents.kinds import MediaType
from web.problems import ProblemError

DOCUMENT_EMPTY = "document_empty"
DOCUMENT_TOO_LARGE = "document_too_large"
DOCUMENT_TYPE_NOT_ALLOWED = "document_type_not_allowed"
PDF_MAGIC = b"%PDF-"


def checked_media_type(content: bytes, limit: int) -> MediaType:
    """The media type `content` is, if it may be attached.

    Raises:
        ProblemError: `document_empty` (422), `document_too_large` (413) past `limit`
            bytes, `document_type_not_allowed` (415) unless PDF, PNG, JPEG or WebP.
    """
    if not content:
        raise ProblemError(DOCUMENT_EMPTY, "the file is empty", "file", status=422)
    if len(content) > limit:
        raise ProblemError(
            DOCUMENT_TOO_LARGE, f"a document may be at most {limit} bytes", "file", status=413
        )
    guessed = filetype.guess_mime(content[:8192])
    try:
        media_type = MediaType(guessed) if guessed is not None else None
    except ValueError:
        media_type = None
    if media_type is None or (media_type == MediaType.PDF and not content.startswith(PDF_MAGIC)):
        raise ProblemError(
            DOCUMENT_TYPE_NOT_ALLOWED,
            "attach a PDF or an image (PNG, JPEG, WebP); the file's content is none of them",
            "file",
            status=415,
        )
    return media_type
